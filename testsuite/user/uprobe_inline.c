/* uprobe_inline: a function the compiler inlines into its one caller. */
static inline int square(int v)
{
	return v * v;
}

__attribute__((noipa)) int use(int a)
{
	return square(a) + 1;
}

int main(void)
{
	return use(3) + use(5) == 36 ? 0 : 1;
}
