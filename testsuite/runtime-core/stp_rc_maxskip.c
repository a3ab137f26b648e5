#define STP_MODULE_NAME "stp_rc_maxskip"
#define RC_SKIP 1
#define RC_JIFFIES 2
#define RC_NESTED_ONLY 1      /* only the nested runs skip: a fixed count */
#define MAXSKIPPED 5
#define RC_PERIOD_MS 5
#define RC_RANDOM_MS 0
#include "gen.h"
