-- smtpcode_basic() and smtpcode_enhanced(): the answers of smtpcode --json
-- CODE; malformed codes are errors that say what is wrong.
\pset null '(null)'

SELECT code, registered, class, category, status, title, reason, action, bounce, verdict, rfc
FROM smtpcode_basic(550);
SELECT code, registered, title, reason, bounce, verdict FROM smtpcode_basic(421);
-- Well formed but not registered: answered from the class.
SELECT code, registered, title, meaning IS NOT NULL AS has_meaning, reason, bounce FROM smtpcode_basic(599);
SELECT smtpcode_basic(NULL) IS NULL AS null_code;
SELECT smtpcode_basic(999);
SELECT smtpcode_basic(42);
SELECT smtpcode_basic(-550);
-- Errors carry SQLSTATEs: invalid_parameter_value, invalid_text_representation.
\set VERBOSITY sqlstate
SELECT smtpcode_basic(600);
SELECT smtpcode_enhanced('5.1');
\set VERBOSITY default

SELECT code, registered, scope, class, subject, detail, registry_code, title, classes, reason, bounce, verdict
FROM smtpcode_enhanced('5.1.1');
SELECT code, scope, class, registry_code, reason, action, bounce, verdict FROM smtpcode_enhanced('4.1.1');
SELECT code, scope, class, registry_code, reason, bounce, verdict FROM smtpcode_enhanced('X.7.26');
SELECT code, scope, registry_code, title FROM smtpcode_enhanced('5.X.X');
SELECT code, scope, registry_code, title FROM smtpcode_enhanced('x.2.x');
SELECT code, registered, reason, bounce FROM smtpcode_enhanced('5.7.606');
SELECT code, registered, title, reason FROM smtpcode_enhanced('4.9.9');
SELECT smtpcode_enhanced(NULL) IS NULL AS null_code;
SELECT smtpcode_enhanced('5.01.1');
SELECT smtpcode_enhanced('550');
SELECT smtpcode_enhanced('');
SELECT smtpcode_enhanced(E'5.1.1\x01');

-- The lists: one row per value, in the data's order.
SELECT count(*) AS reasons, count(DISTINCT action) AS actions_used FROM smtpcode_reasons();
SELECT name, title FROM smtpcode_reasons() WHERE name IN ('user-unknown', 'ip-blocklisted', 'unknown') ORDER BY name;
SELECT name, title FROM smtpcode_actions() ORDER BY name LIMIT 3;
SELECT name, title FROM smtpcode_bounces();
SELECT name, title FROM smtpcode_verdicts();
SELECT count(*) > 20 AS many_vendors, bool_and(name ~ '^[a-z0-9-]+$') AS names FROM smtpcode_vendors();
SELECT count(*) FROM smtpcode_vendors() WHERE name = 'unknown';
SELECT smtpcode_version() = extversion AS versions_agree FROM pg_extension WHERE extname = 'smtpcode';
SELECT smtpcode_data_version() ~ '^\d{4}\.\d{2}\.\d{2}$' AS data_version;
