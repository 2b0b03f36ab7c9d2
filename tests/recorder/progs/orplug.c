int hmorplug_answer(void) { return 42; }
