/* uprobe_plt: a dynamic program calling malloc, strlen and free of libc
 * through its linkage table, a known number of times. */
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t total = 0;

	for (int i = 1; i <= 3; i++) {
		char *p = malloc(100 * i);
		if (!p)
			return 1;
		memset(p, 'x', 10);
		p[10] = 0;
		total += strlen(p);
		free(p);
	}
	return total == 30 ? 0 : 1;
}
