/**
 * `api(key, method, path, body)` against a started Prolope server at `url`: the JSON answer, or an
 * error naming the request and the server's answer for any status from 300.
 *
 * @example
 * const api = apiCaller(server.url);
 * const me = await api(key, 'GET', '/v1/accounts/me');
 */
export function apiCaller(url) {
  return async (key, method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
}

/**
 * A customer account for a bench, made with the operator key; answers the account (its id, and its
 * first API key's secret in `initial_api_key.secret`).
 *
 * @example
 * const account = await createBenchAccount(api, server.createdOperatorKey, 'Bench PBX');
 */
export function createBenchAccount(api, operatorKey, name) {
  return api(operatorKey, 'POST', '/v1/accounts', {
    name,
    legal_entity: { type: 'company', legal_name: 'Bench OOD', country: 'BG' },
    signatory: { name: 'B', email: 'b@example.com', confirms_age_18_or_over: true, confirms_authority: true },
  });
}
