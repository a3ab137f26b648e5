/* the shared library of uprobe_library */
__attribute__((noipa)) int lib_add(int a, int b)
{
	return a + b;
}
