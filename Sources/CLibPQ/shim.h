#ifndef ZAVA_CLIBPQ_SHIM_H
#define ZAVA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
