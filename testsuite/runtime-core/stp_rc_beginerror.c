#define STP_MODULE_NAME "stp_rc_beginerror"
#define RC_BEGINERROR 1
#define RC_PERIOD_MS 1
#define RC_RANDOM_MS 0
#include "gen.h"
