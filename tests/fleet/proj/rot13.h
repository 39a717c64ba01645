void rot13(char *s);
