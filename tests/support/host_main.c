/* Host entry for one suite; FT_SUITE_NAME is set per executable by CMake. */
#include "ftest.h"

#define FT_RUN_FN FT_CAT(FT_SUITE_NAME, _suite_run)
int FT_RUN_FN(void);

int main(void)
{
	return FT_RUN_FN() == 0 ? 0 : 1;
}
