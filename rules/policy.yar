/*
 * rules/policy.yar - what the policy forbids rather than attacks as such:
 * administration ports and logins from abroad, logins outside working
 * hours, uploads leaving the jurisdiction. Home countries: the config.
 */

rule admin_port_from_abroad {
  meta:
    description = "A flow from a foreign source to an administration port (SSH, Telnet, RDP, VNC, databases)"
    category = "policy" severity = "high" mitre = "T1133"
    group_by = "src_ip"
    false_positives = "an employee travelling; a partner's address abroad (allow it at the firewall, or add its country)"
  condition:
    event_kind == "flow" and extraterritorial and
    (dest_port == 22 or dest_port == 23 or dest_port == 3389 or dest_port == 5900 or
     dest_port == 3306 or dest_port == 5432 or dest_port == 1433 or dest_port == 1521 or
     dest_port == 27017 or dest_port == 6379)
}

rule login_from_abroad {
  meta:
    description = "A successful SSH login from a source whose country is not a home country"
    category = "policy" severity = "high" mitre = "T1078"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "an administrator travelling or on a foreign VPN exit"
  condition:
    service == "sshd" and action == "auth_ok" and extraterritorial
}

rule root_login_remote {
  meta:
    description = "A successful SSH login as root from a source outside the internal ranges"
    category = "policy" severity = "high" mitre = "T1078.003"
    threshold = 1 window = 60 group_by = "src_ip"
    false_positives = "a provisioning tool that logs in as root from outside (set PermitRootLogin no and use sudo)"
  condition:
    service == "sshd" and action == "auth_ok" and user == "root" and not src_internal
}

rule login_outside_hours {
  meta:
    description = "A successful SSH login before 07:00 or from 20:00 on (the correlator's time zone)"
    category = "policy" severity = "low" mitre = "T1078"
    threshold = 1 window = 60 group_by = "user"
    false_positives = "on-call staff, automation accounts logging in by key (exclude them by user)"
  condition:
    service == "sshd" and action == "auth_ok" and (hour < 7 or hour >= 20)
}

rule data_leaving_jurisdiction {
  meta:
    description = "An internal host sent more than 10 MB in one flow to a destination outside the home countries"
    category = "policy" severity = "high" mitre = "T1048"
    group_by = "src_ip"
    false_positives = "a cloud backup or CDN upload to a foreign region"
  condition:
    event_kind == "flow" and outbound_abroad and bytes_toserver > 10000000
}
