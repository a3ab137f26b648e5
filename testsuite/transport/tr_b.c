// SPDX-License-Identifier: GPL-2.0
/* tr_b.c - tr_a.c under another module name (two modules at once). */
#include "tr_a.c"
