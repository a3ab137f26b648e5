#define STP_MODULE_NAME "stp_rc_skip"
#define RC_SKIP 1
#define RC_JIFFIES 2
#define MAXSKIPPED 1000000
#define RC_PERIOD_MS 5
#define RC_RANDOM_MS 0
#include "gen.h"
