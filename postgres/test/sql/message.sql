-- smtpcode_message(): one row per recipient of a bounce message.
\pset null '(null)'

SELECT index, line, recipient, dsn_action, report, code, enhanced, reason, bounce, host, classified, truncated
FROM smtpcode_message(E'From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\nContent-Type: text/plain\n\nI could not deliver your message.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; alice@example.com\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.com\nDiagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown\n\nFinal-Recipient: rfc822; bob@example.net\nAction: delayed\nStatus: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full\n\n--B--\n');

-- The same as bytes, with a stage given.
SELECT count(*), min(stage), max(stage)
FROM smtpcode_message(convert_to(E'Subject: Returned mail\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; carol@example.com\nAction: failed\nStatus: 5.0.0\n', 'UTF8'), 'rcpt');

-- NULL and empty messages have no recipients; what was odd is said apart.
SELECT count(*) FROM smtpcode_message(NULL::bytea);
SELECT count(*) FROM smtpcode_message(NULL::text);
SELECT count(*) FROM smtpcode_message(''::bytea);
SELECT smtpcode_message_problems(''::bytea);
SELECT smtpcode_message_problems(convert_to(E'Subject: hello\n\njust a note\n', 'UTF8'));
SELECT smtpcode_message_problems(NULL) IS NULL AS null_message;

-- Bytes that are not UTF-8 in a message are read; the answer is valid text.
SELECT recipient, reason FROM smtpcode_message('\x5375626a6563743a20626f756e63650a436f6e74656e742d547970653a206d6573736167652f64656c69766572792d7374617475730a0a46696e616c2d526563697069656e743a207266633832323b2064617665406578616d706c652e636f6d0a416374696f6e3a206661696c65640a5374617475733a20352e312e310a446961676e6f737469632d436f64653a20736d74703b2035353020ff20756e6b6e6f776e20757365720a'::bytea);
