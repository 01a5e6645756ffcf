/* re2c settings shared by every lexer in src/: bounds-checked reads of a
 * (pointer, limit) buffer with no NUL terminator. YYPEEK returns 0 at the
 * limit and the $ rule (re2c:eof = 0) tells the real end from a NUL byte.
 * Included by the .re files; not compiled on its own. */
/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYPEEK = "(p < lim ? *p : 0)";
	re2c:define:YYSKIP = "++p;";
	re2c:define:YYBACKUP = "m = p;";
	re2c:define:YYRESTORE = "p = m;";
	re2c:define:YYLESSTHAN = "(lim - p) < @@";
	re2c:define:YYSTAGP = "@@ = p;";
	re2c:define:YYSTAGN = "@@ = NULL;";
	re2c:define:YYSHIFT = "p += @@{shift};";
	re2c:define:YYSHIFTSTAG = "@@{tag} += @@{shift};";
	re2c:define:YYRESTORETAG = "p = @@{tag};";
	re2c:eof = 0;
	re2c:yyfill:enable = 0;
	re2c:tags = 1;

	digit = [0-9];
	code = [2-5] digit digit;
	sub = "0" | [1-9] digit? digit?;
	enhanced = [245] "." sub "." sub;
	sp = [ \t];
	eol = "\r"? "\n";
*/
