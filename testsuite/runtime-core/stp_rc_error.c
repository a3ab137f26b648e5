#define STP_MODULE_NAME "stp_rc_error"
#define RC_ERROR 1
#define MAXERRORS 1
#define MAXACTION 50
#define INTERRUPTIBLE 0
#define RC_PERIOD_MS 10
#define RC_RANDOM_MS 0
#include "gen.h"
