// An OpenID Connect provider for the tests, on 127.0.0.1: panva's oidc-provider with its
// development sign-in form (any login, any password). The login typed is the account's id and
// its email; ACCOUNTS (JSON: {login: {email_verified, name}}) says which emails the provider
// asserts as verified. One confidential client, for the live server's callback.
//
//   PORT=... CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URIS=a,b ACCOUNTS='{...}' node oidc.js
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URIS.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  cookies: { keys: [process.env.CLIENT_SECRET] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const known = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: Boolean(known.email_verified),
          name: known.name || id,
        };
      },
    };
  },
  // The relying party is first-party: the person is not asked to consent to each scope.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
