/* uprobe_args: functions with known arguments, called a known number of
 * times (built with -g: their parameters come from DWARF). */
#include <stdio.h>

struct point {
	int x;
	long y;
	const char *name;
};

__attribute__((noipa)) int add(int a, int b)
{
	return a + b;
}

__attribute__((noipa)) long walk(struct point *p, int n)
{
	long s = 0;

	for (int i = 0; i < n; i++)
		s += (long)p->x * i + p->y;
	return s;
}

int main(void)
{
	struct point pt = { 3, 40, "pt" };
	long t = 0;

	for (int i = 0; i < 5; i++)
		t += add(i, 2 * i);
	t += walk(&pt, 5);
	return t == 260 ? 0 : 1;
}
