/* ISC license. */
/* The spawn floor: a static program that does nothing. */
int main (void) { return 0 ; }
