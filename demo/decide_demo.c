/* Placeholder until the decision demo lands. */
int main(void) { return 0; }
