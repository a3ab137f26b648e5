/* uprobe_unwind: main -> outer -> middle -> inner, built without frame
 * pointers (-O2's default): only the call frame information tells where
 * each caller's return address is. */
__attribute__((noipa)) int inner(int x)
{
	volatile long pad[4] = { x, x, x, x };

	return (int)pad[x & 3] + 1;
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
