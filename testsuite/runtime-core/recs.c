/* recs.c - print the records of a stap module's data file (stdin) as text,
 * one header line per record, payload lines prefixed "| ". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec { uint32_t type, len; };

static void show(const char *p, uint32_t n)
{
	uint32_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || i == n - 1) {
			printf("| %.*s\n", (int)(i - start + (p[i] != '\n')), p + start);
			start = i + 1;
		}
	}
}

int main(void)
{
	static char buf[1 << 20];
	struct rec r;

	while (fread(&r, sizeof(r), 1, stdin) == 1) {
		if (r.len > sizeof(buf) || fread(buf, 1, r.len, stdin) != r.len) {
			printf("TRUNCATED\n");
			return 1;
		}
		switch (r.type) {
		case 1:
			printf("OUT %u\n", r.len);
			show(buf, r.len);
			break;
		case 2:
			printf("ERR %u\n", r.len);
			show(buf, r.len);
			break;
		case 3:
			printf("EXIT %u\n", r.len);
			break;
		case 4:
			printf("DONE %d\n", r.len == 4 ? *(int32_t *)buf : -999);
			break;
		default:
			printf("BADTYPE %u %u\n", r.type, r.len);
			return 1;
		}
	}
	return 0;
}
