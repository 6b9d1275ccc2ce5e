/*
 * tests/e2e/rules/web.yar - a rule for the web view's live test: web
 * requests grouped by user name, so that a hostile name is a group.
 */

rule web_request_burst {
  meta:
    description = "Two or more web requests by one user within ten minutes"
    category = "webattack" severity = "high"
    threshold = 2 window = 600 group_by = "user"
  condition:
    http_method == "GET"
}
