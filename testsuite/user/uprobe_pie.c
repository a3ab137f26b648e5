/* uprobe_pie: a position-independent executable, loaded at an address
 * of the kernel's choosing. */
__attribute__((noipa)) long scale(long v, int by)
{
	return v * by;
}

int main(void)
{
	long t = 0;

	for (int i = 1; i <= 3; i++)
		t += scale(i, 10);
	return t == 60 ? 0 : 1;
}
