import { forwardingMismatch, startupWarning } from './trusted-proxies';

describe('trusted proxy configuration', () => {
  it('warns at start-up when a gateway in Kubernetes trusts no proxy', () => {
    expect(startupWarning(0, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toMatch(/GATEWAY_TRUSTED_PROXY_HOPS=0 in Kubernetes/);
    expect(startupWarning(1, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBeUndefined();
    expect(startupWarning(0, {})).toBeUndefined();
  });

  it('finds a proxy it ignores: X-Forwarded-For from a private peer while no hop is trusted', () => {
    expect(forwardingMismatch(0, '10.1.2.3', '203.0.113.9')).toMatch(/private address/);
    expect(forwardingMismatch(0, '::ffff:192.168.0.4', '203.0.113.9')).toMatch(/private address/);
    expect(forwardingMismatch(0, '203.0.113.50', '203.0.113.9')).toBeUndefined();
    expect(forwardingMismatch(0, '10.1.2.3', undefined)).toBeUndefined();
  });

  it('finds fewer proxies than configured: fewer X-Forwarded-For entries than trusted hops', () => {
    expect(forwardingMismatch(1, '10.1.2.3', undefined)).toMatch(/carried 0 X-Forwarded-For entries/);
    expect(forwardingMismatch(2, '10.1.2.3', '203.0.113.9')).toMatch(/carried 1 /);
    expect(forwardingMismatch(1, '10.1.2.3', '203.0.113.9')).toBeUndefined();
  });
});
