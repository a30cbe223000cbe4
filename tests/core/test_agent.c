/* PLACEHOLDER */
#include "../cu_main.h"
void lb_test_register(void)
{
}
