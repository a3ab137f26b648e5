/* uprobe_library: a dynamic program calling a function of its own
 * shared library (libuprobe_library.so) as many times as its argument
 * says. */
#include <stdlib.h>

int lib_add(int a, int b);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, t = 0;

	for (int i = 0; i < n; i++)
		t = lib_add(t, n);
	return t == n * n ? 0 : 1;
}
