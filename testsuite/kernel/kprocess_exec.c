/* kprocess_exec: an exec that fails (no such file), then one that
 * replaces this program with itself, given the argument "again", which
 * then exits. */
#include <unistd.h>

int main(int argc, char **argv)
{
	char *none[] = { "/nonexistent", NULL };
	char *again[] = { argv[0], "again", NULL };

	if (argc > 1)
		return 0;
	execv("/nonexistent", none);
	execv(argv[0], again);
	return 1;
}
