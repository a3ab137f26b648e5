#define STP_MODULE_NAME "stp_rc_basic"
#define RC_BASIC 1
#define RC_PERIOD_MS 10
#define RC_RANDOM_MS 2
#include "gen.h"
