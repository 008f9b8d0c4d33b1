-- POST /v1/oauth/token with grant_type=client_credentials, as RFC 6749 §4.4 shows it: a form
-- body, the client authenticated with HTTP Basic. Nothing changes between requests.
-- wrk ... -s token_client_credentials.lua BASEURL/v1/oauth/token -- <header lines...>
-- (from bench/oauth_setup.py: its "client_credentials_args", the Authorization header)

function init(args)
  wrk.method = "POST"
  wrk.body = "grant_type=client_credentials"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  for i = 1, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end
