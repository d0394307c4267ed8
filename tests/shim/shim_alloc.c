// SPDX-License-Identifier: GPL-2.0
/* State of the allocation shim's failure injection (see shim_alloc.h). */
#include "shim_alloc.h"

unsigned long shim_alloc_fail_countdown;
unsigned long shim_alloc_failures;
