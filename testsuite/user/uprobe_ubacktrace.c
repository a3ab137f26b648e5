/* uprobe_ubacktrace: main -> outer -> middle -> inner, built with frame
 * pointers, position independent (loaded anywhere). */
__attribute__((noipa)) int inner(int x)
{
	return x + 1;
}

__attribute__((noipa)) int middle(int x)
{
	return inner(x) * 2;
}

__attribute__((noipa)) int outer(int x)
{
	return middle(x) + 3;
}

int main(void)
{
	return outer(1) == 7 ? 0 : 1;
}
