/*
 * rules/webattack.yar - attacks in HTTP requests: web access logs (the
 * scanned data is the line: request, referrer, user agent) and HTTP flows
 * (the client payload). Each rule needs an HTTP event first. rules/README.md.
 */

rule web_sql_injection {
  meta:
    description = "SQL injection syntax in an HTTP request (UNION SELECT, boolean tautologies, time delays, catalog reads)"
    category = "webattack" severity = "high" mitre = "T1190"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "a search form or CMS whose legitimate queries contain SQL text (database tutorials)"
  strings:
    $union = /union(\s|\+|%20|\/\*\*\/|%2f%2a%2a%2f)+(all(\s|\+|%20)+)?select(\s|\+|%20|\/\*\*\/|\()/ nocase
    $taut1 = /'(\s|\+|%20)*or(\s|\+|%20)+'?1'?(\s|\+|%20)*=(\s|\+|%20)*'?1/ nocase
    $taut2 = /%27(\s|\+|%20)*or(\s|\+|%20)+(%27)?1(%27)?(\s|\+|%20)*(=|%3d)/ nocase
    $sleep = /(sleep|benchmark|pg_sleep|waitfor(\s|\+|%20)+delay)(\s|\+|%20)*(\(|%28|'|%27)/ nocase
    $cat1 = "information_schema" nocase
    $cat2 = "sysobjects" nocase
    $cat3 = "@@version" nocase
    $xp = "xp_cmdshell" nocase
  condition:
    (action == "http_request" or app_proto == "http") and any of them
}

rule web_path_traversal {
  meta:
    description = "Directory traversal (../../, encoded and double-encoded forms) or a read of a well-known system file"
    category = "webattack" severity = "high" mitre = "T1083"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "relative links in a referrer written by a broken page; a file browser application"
  strings:
    $d1 = "../../"
    $d2 = "..\\..\\"
    $d3 = /(\.\.|%2e%2e|%252e%252e|\.%2e|%2e\.)(%2f|%5c|%252f|%c0%af)/ nocase
    $d4 = /(%2e%2e|\.%2e|%2e\.)(\/|\\)/ nocase
    $f1 = "/etc/passwd"
    $f2 = "/etc/shadow"
    $f3 = "win.ini" nocase
    $f4 = "boot.ini" nocase
    $f5 = "/proc/self/environ"
  condition:
    (action == "http_request" or app_proto == "http") and any of them
}

rule web_remote_file_inclusion {
  meta:
    description = "A request parameter that names a remote script (=http://...txt, ...?), or a PHP stream wrapper (php://, data://, expect://)"
    category = "webattack" severity = "high" mitre = "T1190"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "an image proxy or link checker whose parameter is a URL ending in .txt; a redirect parameter to a plain page does not match"
  condition:
    (action == "http_request" or app_proto == "http") and url contains "=" and
    (url matches /=(https?|ftp)(:|%3a)(\/|%2f){2}[^ &]{1,200}(\.txt|\.sh|\.pl|\.py|\?|%3f)(&|$)/i or
     url icontains "=php://" or url icontains "=php%3a%2f%2f" or url icontains "=data://" or
     url icontains "=expect://" or url icontains "=phar://" or url icontains "=zip://")
}

rule web_command_injection {
  meta:
    description = "A shell separator followed by a command (;wget, |sh, $(curl, `id`) or a shell path in an HTTP request"
    category = "webattack" severity = "high" mitre = "T1059.004"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "a search for shell commands that includes the separator itself (q=a;wget)"
  strings:
    $sep = /(;|\||`|\$\(|%3b|%7c|%60|%24%28)(\s|\+|%20)*(wget|curl|whoami|uname|id|cat|nc|ncat|bash|sh|ping|echo|chmod|busybox|tftp)(\s|\+|%20|;|`|\)|%3b|%60|%29|\|)/ nocase
    $sh1 = "/bin/sh" nocase
    $sh2 = "/bin/bash" nocase
    $sh3 = "%2fbin%2fsh" nocase
    $cmd = "cmd.exe" nocase
    $ps = "powershell" nocase
  condition:
    (action == "http_request" or app_proto == "http") and any of them
}

rule web_log4shell {
  meta:
    description = "Log4Shell (CVE-2021-44228) JNDI lookups in any log line or client payload, with lookup-nesting and encoded forms"
    category = "webattack" severity = "critical" mitre = "T1190"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "security tools' own test strings; documentation that quotes the payload"
  strings:
    $j1 = "${jndi:" nocase
    $j2 = "%24%7bjndi" nocase
    $j3 = "$%7bjndi" nocase
    $j4 = "%24{jndi" nocase
    $o1 = /\$\{(\$\{[^}]{0,30}\}|[^}]{0,30}:-)?[^}]{0,20}(lower|upper|::-|env:|date:|sys:|base64:)[^}]{0,30}\}[^}]{0,40}(jndi|ndi:|n\}\$\{|dap|rmi|dns)/ nocase
    $o2 = "${::-j}" nocase
    $o3 = "${lower:j}" nocase
    $o4 = "${upper:j}" nocase
  condition:
    any of them
}

rule web_shellshock {
  meta:
    description = "Shellshock (CVE-2014-6271) function definitions in a header or URL"
    category = "webattack" severity = "high" mitre = "T1190"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "none known: JavaScript 'function() {' does not match"
  strings:
    $s1 = /\(\)(\s)*\{(\s)*(:|_)(\s)*;/
    $s2 = /%28%29(%20|\+)*%7b(%20|\+)*(%3a|:|_)/ nocase
  condition:
    any of them
}

rule web_php_cgi_probe {
  meta:
    description = "Probes for PHP and CGI weaknesses: php-cgi argument injection, phpunit eval-stdin, phpinfo, phpMyAdmin setup, CGI shells"
    category = "webattack" severity = "medium" mitre = "T1595.002"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "an administrator opening the site's real phpinfo.php or phpMyAdmin"
  strings:
    $a1 = "allow_url_include" nocase
    $a2 = "auto_prepend_file" nocase
    $a3 = /\.php\?(-|%2d|%ad)[sdn](\+|%20| |&|"|$)/ nocase
    $a4 = "eval-stdin.php" nocase
    $a5 = "phpinfo.php" nocase
    $a6 = /\/(phpmyadmin|pma|myadmin)[^ \/]{0,10}\/(setup|scripts)\//  nocase
    $a7 = "/cgi-bin/php" nocase
    $a8 = /\/cgi-bin\/[^ ?"]{0,40}\.(sh|pl|cgi)\?[^ "]{0,100}(%60|%3b|;|`)/ nocase
    $a9 = "invokefunction" nocase
  condition:
    (action == "http_request" or app_proto == "http") and any of them
}

rule wordpress_xmlrpc_flood {
  meta:
    description = "Twenty or more POSTs to WordPress xmlrpc.php from one source within a minute (multicall guessing, pingback abuse)"
    category = "webattack" severity = "medium" mitre = "T1110.001"
    threshold = 20 window = 60 group_by = "src_ip"
    false_positives = "the Jetpack service or a mobile publishing app (allow their addresses)"
  condition:
    http_method == "POST" and url istartswith "/xmlrpc.php"
}

rule wordpress_login_flood {
  meta:
    description = "Twenty or more POSTs to WordPress wp-login.php from one source within a minute"
    category = "webattack" severity = "medium" mitre = "T1110.001"
    threshold = 20 window = 60 group_by = "src_ip"
    false_positives = "many editors behind one NAT address logging in at once"
  condition:
    http_method == "POST" and url istartswith "/wp-login.php"
}

rule web_dotfile_disclosure {
  meta:
    description = "Requests for secrets left in the web root: /.env, /.git/, /.svn/, /.aws/, /.DS_Store, /.htpasswd"
    category = "webattack" severity = "medium" mitre = "T1552.001"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "none expected: /.well-known/ does not match"
  condition:
    (action == "http_request" or app_proto == "http") and
    (url icontains "/.env" or url icontains "/.git/" or url iendswith "/.git" or
     url icontains "/.svn/" or url icontains "/.aws/" or url icontains "/.ds_store" or
     url icontains "/.htpasswd")
}
