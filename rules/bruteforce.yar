/*
 * rules/bruteforce.yar - password guessing: sshd sprays and distributed
 * guessing, sudo and su, HTTP basic auth and login forms, and connection
 * bursts on RDP, SMB and database ports from flows. rules/README.md.
 */

rule ssh_invalid_user_spray {
  meta:
    description = "Ten or more connections for unknown user names from one source within ten minutes"
    category = "bruteforce" severity = "medium" mitre = "T1110.003"
    threshold = 10 window = 600 group_by = "src_ip"
    false_positives = "a misconfigured automation account; counts lines, not distinct names"
  condition:
    service == "sshd" and action == "invalid_user"
}

rule ssh_distributed_guessing {
  meta:
    description = "Twenty or more rejected SSH attempts for one account within an hour, whatever the source"
    category = "bruteforce" severity = "high" mitre = "T1110.001"
    threshold = 20 window = 3600 group_by = "user"
    false_positives = "one source alone also counts (ssh_password_guessing flags it too); a user with a stale key agent"
  condition:
    service == "sshd" and action == "auth_fail" and not src_internal
}

rule sudo_password_guessing {
  meta:
    description = "Three or more rejected sudo password attempts by one user within five minutes"
    category = "bruteforce" severity = "medium" mitre = "T1548.003"
    threshold = 3 window = 300 group_by = "user"
    false_positives = "a user who forgot the password after a change"
  condition:
    service == "sudo" and action == "auth_fail"
}

rule su_password_guessing {
  meta:
    description = "Three or more failed su attempts by one user within five minutes"
    category = "bruteforce" severity = "medium" mitre = "T1110.001"
    threshold = 3 window = 300 group_by = "user"
    false_positives = "an administrator mistyping the root password"
  condition:
    action == "su_fail"
}

rule http_basic_auth_guessing {
  meta:
    description = "Ten or more HTTP 401 answers or basic-auth failures for one source within five minutes"
    category = "bruteforce" severity = "medium" mitre = "T1110.001"
    threshold = 10 window = 300 group_by = "src_ip"
    false_positives = "a client with an expired stored password retrying; monitoring probes of a protected page"
  condition:
    (action == "http_request" and status == 401) or action == "http_auth_fail"
}

rule http_login_form_guessing {
  meta:
    description = "Ten or more 401/403 answers to POSTs on login paths from one source within five minutes"
    category = "bruteforce" severity = "medium" mitre = "T1110.001"
    threshold = 10 window = 300 group_by = "src_ip"
    false_positives = "an office behind one NAT address; a login page that answers 403 to a stale CSRF token"
  condition:
    action == "http_request" and http_method == "POST" and
    (status == 401 or status == 403) and
    (url icontains "login" or url icontains "signin" or url icontains "logon" or
     url icontains "/auth" or url icontains "session" or url icontains "/admin")
}

rule rdp_connection_burst {
  meta:
    description = "Ten or more TCP connections to RDP (3389) from one external source within a minute"
    category = "bruteforce" severity = "high" mitre = "T1110"
    threshold = 10 window = 60 group_by = "src_ip"
    false_positives = "a remote-desktop gateway that reconnects; an internal jump host (internal sources are left out)"
  condition:
    event_kind == "flow" and dest_port == 3389 and proto == "tcp" and not src_internal
}

rule smb_connection_burst {
  meta:
    description = "Ten or more TCP connections to SMB (445, 139) from one external source within a minute"
    category = "bruteforce" severity = "high" mitre = "T1110"
    threshold = 10 window = 60 group_by = "src_ip"
    false_positives = "a branch office mapping shares over the internet (rare, and itself a policy concern)"
  condition:
    event_kind == "flow" and (dest_port == 445 or dest_port == 139) and proto == "tcp" and not src_internal
}

rule database_connection_burst {
  meta:
    description = "Twenty or more TCP connections to a database port from one external source within a minute"
    category = "bruteforce" severity = "high" mitre = "T1110"
    threshold = 20 window = 60 group_by = "src_ip"
    false_positives = "an external application server without connection pooling"
  condition:
    event_kind == "flow" and proto == "tcp" and not src_internal and
    (dest_port == 3306 or dest_port == 5432 or dest_port == 1433 or dest_port == 1521 or
     dest_port == 27017 or dest_port == 6379)
}
