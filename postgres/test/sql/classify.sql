-- smtpcode_classify() and smtpcode_classify_json(): the README's replies,
-- NULLs, empty and huge texts, bad bytes, stages and hosts, the enums.
\pset null '(null)'

-- The README's examples.
SELECT code, enhanced, stage, host, vendor, reason, action, bounce, verdict, decided_by, matched, carrier
FROM smtpcode_classify('host mx.example.com[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org (in reply to RCPT TO command)');
SELECT reason, bounce, verdict, decided_by, matched, vendor
FROM smtpcode_classify('421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints');
SELECT reason, bounce, verdict, decided_by, matched, vendor
FROM smtpcode_classify('550 5.1.1 The email account that you tried to reach does not exist. gsmtp', 'rcpt');

-- A log line: its recipient, queue ID, time and status.
SELECT code, enhanced, reason, vendor, recipient, queue_id, "timestamp", log_status, carrier
FROM smtpcode_classify('Nov  5 10:00:03 mx1 postfix/smtp[4242]: 4F2A1C0D3E: to=<dave@example.com>, relay=mx.example.com[192.0.2.9]:25, delay=1.2, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.9] said: 452 4.2.2 <dave@example.com>: Recipient address rejected: Mailbox full (in reply to RCPT TO command))');

-- A multi-line reply keeps its lines and says so.
SELECT code, enhanced, reason, flags, reply
FROM smtpcode_classify(E'550-5.7.26 This mail has been blocked because the sender is\r\n550-5.7.26 unauthenticated. Gmail requires all senders to authenticate\r\n550 5.7.26 with either SPF or DKIM. gsmtp\r\n');

-- The stage and host given win over the text's; names as the CLI takes them.
SELECT stage, host, reason FROM smtpcode_classify('550 No such user here', 'RCPT', 'mx.example.net');
SELECT stage FROM smtpcode_classify('550 go away', 'eod');
SELECT stage, reason, bounce FROM smtpcode_classify('550 go away', 'mail');
SELECT stage FROM smtpcode_classify('550 go away', NULL, NULL);
SELECT smtpcode_classify('550 go away', 'lunch');
\set VERBOSITY sqlstate
SELECT smtpcode_classify('550 go away', '');
\set VERBOSITY default

-- NULL is NULL; empty, blank and unrelated text are unclassified records.
SELECT smtpcode_classify(NULL) IS NULL AS null_text, smtpcode_classify_json(NULL) IS NULL AS null_json;
SELECT smtpcode_classify(NULL::bytea) IS NULL AS null_bytes;
SELECT code, reason, action, bounce, verdict, decided_by, carrier, flags, classified FROM smtpcode_classify('');
SELECT reason, classified FROM smtpcode_classify(E'  \t\r\n ');
SELECT reason, classified FROM smtpcode_classify('hello world');

-- 1 MB of text: a reply at the end of a long line is found, in one call.
SELECT length(repeat('x', 1048576)) AS bytes,
       (smtpcode_classify(repeat('x ', 524288) || ' 550 5.1.1 User unknown')).classified,
       (smtpcode_classify(repeat('x ', 524288) || ' 550 5.1.1 User unknown')).reason;
SELECT length((smtpcode_classify('550 ' || repeat('a', 1048576))).reply) AS reply_bytes;

-- Any bytes: bytes that are not UTF-8, and NUL, become U+FFFD, one a byte.
SELECT code, reason, reply, encode(convert_to(reply, 'UTF8'), 'hex') AS reply_hex
FROM smtpcode_classify('\x35353020353a312e312075736572ff20756e6b6e6f776e00'::bytea);
SELECT reason FROM smtpcode_classify(convert_to('550 5.2.2 Postfach voll: Speicherplatz überschritten', 'UTF8'));
SELECT smtpcode_classify_json('\xc0af'::bytea) ->> 'classified' AS classified;

-- JSON: the members of smtpcode explain --json (without input and invalid_utf8).
SELECT jsonb_pretty(smtpcode_classify_json('host mx.example.com[192.0.2.1] said: 550 5.7.606 Access denied, banned sending IP [192.0.2.1]. (in reply to RCPT TO command)', 'rcpt'));

-- The enums are checked: a misspelt name is an error, not an empty answer.
SELECT count(*) FROM (VALUES ('550 5.1.1 user unknown'), ('421 try again later'), ('550 5.7.1 blocked using zen.spamhaus.org')) t(r)
WHERE (smtpcode_classify(r)).bounce = 'hard';
SELECT count(*) FROM (VALUES ('550 5.1.1 user unknown')) t(r) WHERE (smtpcode_classify(r)).bounce = 'hrad';
SELECT 'user-unknown'::smtpcode_reason < 'unknown'::smtpcode_reason AS taxonomy_order;
SELECT enum_range(NULL::smtpcode_bounce), enum_range(NULL::smtpcode_verdict);

-- Joining names to titles, as reports do.
SELECT r.reason, t.title, t.action, count(*)
FROM (VALUES ('550 5.1.1 user unknown'), ('552 5.2.2 mailbox full'), ('550 5.1.1 no such user')) v(reply),
     LATERAL smtpcode_classify(v.reply) r JOIN smtpcode_reasons() t ON t.name = r.reason
GROUP BY 1, 2, 3 ORDER BY 1;

-- Declared as the database must know them.
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proparallel AS parallel, p.proisstrict AS strict
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'smtpcode'
ORDER BY p.oid::regprocedure::text;
