/* shim.h - C API over ns-3. PLACEHOLDER: to be written. */
#ifndef LB_NS3_SHIM_H
#define LB_NS3_SHIM_H
#endif
