/* uprobe_entry: a recursive function; each call's argument differs, so a
 * return must see its own call's values. */
__attribute__((noipa)) long fact(int n)
{
	return n <= 1 ? 1 : n * fact(n - 1);
}

int main(void)
{
	return fact(4) == 24 ? 0 : 1;
}
