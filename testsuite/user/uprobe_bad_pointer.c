/* uprobe_bad_pointer: a function given a pointer that points nowhere. */
struct point {
	int x, y;
};

__attribute__((noipa)) int take(struct point *p)
{
	return p != 0;
}

int main(void)
{
	return take((struct point *)16) ? 0 : 1;
}
