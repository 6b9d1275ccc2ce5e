/*
 * rules/ssh.yar - OpenSSH authentication rules.
 * The collector's sshd parser sets `action`; these rules count attempts,
 * never lines (see DESIGN.md, "Actions count attempts, not lines").
 */

rule ssh_password_guessing {
  meta:
    description = "Five or more rejected SSH authentication attempts from one source within ten minutes"
    category = "bruteforce" severity = "medium" mitre = "T1110.001"
    threshold = 5 window = 600 group_by = "src_ip"
  condition:
    service == "sshd" and action == "auth_fail"
}
