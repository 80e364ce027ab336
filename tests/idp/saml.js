// A SAML 2.0 identity provider for the tests, on 127.0.0.1: samlify's IdP with a sign-in form
// that asks only for an email address. It answers the service provider's AuthnRequest (HTTP
// Redirect binding) with a signed Response and Assertion (HTTP POST binding) whose NameID is
// the email, in the emailAddress format. One service provider, the live server.
//
//   PORT=... KEY=idp.key CERT=idp.crt SP_ENTITY_ID=... SP_ACS_URL=... node saml.js
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import samlify from 'samlify';
import * as validator from '@authenio/samlify-node-xmllint';

samlify.setSchemaValidator(validator);

const port = Number(process.env.PORT);
const base = `http://127.0.0.1:${port}`;
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

const idp = samlify.IdentityProvider({
  entityID: `${base}/metadata`,
  privateKey: readFileSync(process.env.KEY),
  signingCert: readFileSync(process.env.CERT),
  nameIDFormat: [EMAIL_FORMAT],
  singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${base}/sso` }],
  wantAuthnRequestsSigned: false,
});

const sp = samlify.ServiceProvider({
  entityID: process.env.SP_ENTITY_ID,
  nameIDFormat: [EMAIL_FORMAT],
  wantAssertionsSigned: true,
  wantMessageSigned: true,
  assertionConsumerService: [
    { Binding: samlify.Constants.namespace.binding.post, Location: process.env.SP_ACS_URL },
  ],
});

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

// samlify's response template, filled in with an AuthnStatement (how and when the person
// signed in) and an AttributeStatement carrying the email address (urn:oid mail).
function assertion(parsed, email) {
  return (template) => {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
    const id = idp.entitySetting.generateID();
    const acs = process.env.SP_ACS_URL;
    const statements = template
      .replace('{AuthnStatement}', `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" \
SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>\
urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>\
</saml:AuthnContext></saml:AuthnStatement>`)
      .replace('{AttributeStatement}', `<saml:AttributeStatement><saml:Attribute \
Name="urn:oid:0.9.2342.19200300.100.1.3" \
NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue \
xsi:type="xs:string">${escape(email)}</saml:AttributeValue></saml:Attribute>\
</saml:AttributeStatement>`);
    const context = samlify.SamlLib.replaceTagsByValue(statements, {
      ID: id,
      AssertionID: idp.entitySetting.generateID(),
      Destination: acs,
      Audience: process.env.SP_ENTITY_ID,
      SubjectRecipient: acs,
      Issuer: `${base}/metadata`,
      IssueInstant: now.toISOString(),
      StatusCode: samlify.Constants.StatusCode.Success,
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: later,
      SubjectConfirmationDataNotOnOrAfter: later,
      NameIDFormat: EMAIL_FORMAT,
      NameID: email,
      InResponseTo: parsed.extract.request.id,
    });
    return { id, context };
  };
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let data = '';
    request.on('data', (chunk) => { data += chunk; });
    request.on('end', () => resolve(Object.fromEntries(new URLSearchParams(data))));
    request.on('error', reject);
  });
}

async function handle(request, response) {
  const url = new URL(request.url, base);
  if (request.method === 'GET' && url.pathname === '/metadata') {
    response.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
    return response.end(idp.getMetadata());
  }
  if (request.method === 'GET' && url.pathname === '/sso') {
    // Parsed now so that a malformed request is refused before the form is shown.
    const query = Object.fromEntries(url.searchParams);
    await idp.parseLoginRequest(sp, 'redirect', { query, octetString: '' });
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return response.end(page('Test identity provider', `
<form method="post" action="/sso">
  <input type="hidden" name="SAMLRequest" value="${escape(query.SAMLRequest)}">
  <input type="hidden" name="RelayState" value="${escape(query.RelayState || '')}">
  <label for="email">Email</label> <input id="email" name="email" type="email" required>
  <button type="submit">Sign in</button>
</form>`));
  }
  if (request.method === 'POST' && url.pathname === '/sso') {
    const form = await readForm(request);
    const query = { SAMLRequest: form.SAMLRequest };
    const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: '' });
    const { context, entityEndpoint } = await idp.createLoginResponse(
      sp, parsed, 'post', { email: form.email },
      { relayState: form.RelayState, customTagReplacement: assertion(parsed, form.email) },
    );
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return response.end(page('Signing you in', `
<form method="post" action="${escape(entityEndpoint)}">
  <input type="hidden" name="SAMLResponse" value="${escape(context)}">
  <input type="hidden" name="RelayState" value="${escape(form.RelayState)}">
  <button type="submit">Continue</button>
</form>
<script>document.forms[0].submit();</script>`));
  }
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  return response.end('Not found');
}

createServer((request, response) => {
  handle(request, response).catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    response.writeHead(400, { 'Content-Type': 'text/plain' });
    response.end(`Refused: ${error.message || error}`);
  });
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${base}\n`);
});
