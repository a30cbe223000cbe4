// PLACEHOLDER
#include "shim.h"
