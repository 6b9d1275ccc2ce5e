#!/usr/bin/perl
# tests/hostile/mklogs.pl - hostile log lines, each with a marker (mNN)
# the suite finds its event by: addresses where the format puts none,
# text after "ssh2:", CR, ANSI and OSC escapes, NUL bytes, invalid UTF-8,
# a 1 MiB line, forged syslog headers, markup.
#   mklogs.pl AUTHLOG ACCESSLOG EPOCH
use strict;
use warnings;
use POSIX qw(strftime);

my ($auth, $access, $t) = @ARGV;
my $d = strftime("%b %e %H:%M:%S", gmtime($t));
my $h = "web1";
open(my $a, ">:raw", $auth) or die "$auth: $!\n";
sub l { print $a "$d $h $_[0]\n"; }

l("sshd[101]: Failed password for invalid user m01 from 6.6.6.1 port 1 ssh2 from 198.51.100.1 port 2222 ssh2");
l("sshd[102]: Failed publickey for m02 from 198.51.100.2 port 22 ssh2: ED25519 SHA256:from 6.6.6.2 port 9 ssh2");
l("sshd[103]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=6.6.6.3 rhost=198.51.100.3  user=m03");
l("sshd[113]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=rhost=6.6.6.13 rhost=198.51.100.13  user=m13");
l("sshd[104]: Invalid user m04\e[31mred\e]0;pwned\a from 198.51.100.4 port 5");
l("sshd[105]: Invalid user m05\rroot from 198.51.100.5 port 5");
l("sshd[106]: Failed password for invalid user m06\0root from 198.51.100.6 port 1 ssh2");
l("sshd[107]: Invalid user m07\xff\xfe\xc3 from 198.51.100.7 port 2");
l("sshd[108]: Failed password for m08" . ("a" x (1 << 20)) . " from 6.6.6.8 port 1 ssh2");
l("alice: $d db9 sshd[1]: Failed password for root from 6.6.6.9 port 1 ssh2 m09");
l("sshd[110]: Invalid user <script>alert(1)</script>m10 from 198.51.100.10 port 3");
l("sshd[111]: Connection closed by authenticating user m11 6.6.6.11 port 4 [preauth] from 198.51.100.11");
l("sudo:   \e]0;pwn\a\e[2Jm12 : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/x ; USER=root ; COMMAND=/bin/sh");
# An incident whose evidence is markup and escapes: 6 attempts.
for my $i (1 .. 6) {
	l("sshd[12$i]: Failed password for invalid user </script><script>alert(3)</script>\e[5mm14 from 198.51.100.14 port 4$i ssh2");
}
l("sshd[130]: Invalid user m15after from 198.51.100.15 port 1");
close($a) or die;

my $ad = strftime("%d/%b/%Y:%H:%M:%S +0000", gmtime($t));
open(my $w, ">:raw", $access) or die "$access: $!\n";
print $w "198.51.100.20 - - [$ad] \"GET /m20?ip=6.6.6.20&x=<script>alert(4)</script> HTTP/1.1\" 401 12 \"http://6.6.6.21/\" \"Mozilla/5.0 6.6.6.22 \e[31m<img src=x onerror=alert(5)>\"\n";
print $w "198.51.100.21 - 6.6.6.23 [$ad] \"GET /m21 HTTP/1.1\" 200 1 \"-\" \"-\"\n";
print $w "6.6.6.24 198.51.100.22 - - [$ad] \"GET /m22 HTTP/1.1\" 200 1 \"-\" \"-\"\n";
close($w) or die;
