/* uprobe_statement: a loop whose body's line a .statement probe names
 * (built without optimization, so each local lives in its frame). */
__attribute__((noipa)) int loop(int n)
{
	int sum = 0;

	for (int i = 0; i < n; i++) {
		sum += i; /* the probed line */
	}
	return sum;
}

int main(void)
{
	return loop(4) == 6 ? 0 : 1;
}
