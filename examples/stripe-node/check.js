// Runs the shop (server.js) against a live sandbox and walks what its customers do; exits
// non-zero at the first thing that does not hold. What Stripe.js would do in the customer's
// browser (confirming with a card) is done here with the same API calls.
//
//   STRIPE_SECRET_KEY=… STRIPE_HOST=localhost STRIPE_PORT=12111 STRIPE_PROTOCOL=http node check.js
import {spawn} from 'node:child_process';
import {createServer} from 'node:net';
import Stripe from 'stripe';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, {
  host: process.env.STRIPE_HOST, port: Number(process.env.STRIPE_PORT),
  protocol: process.env.STRIPE_PROTOCOL || 'http', maxNetworkRetries: 0,
});
const EVENTS = ['payment_intent.succeeded', 'charge.succeeded', 'setup_intent.succeeded',
                'payment_intent.payment_failed'];

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const {port} = server.address();
    server.close(() => resolve(port));
  });
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok  ${what}`);
}

const port = await freePort();
const SHOP = `http://127.0.0.1:${port}`;
async function shop(method, path, body) {
  const response = await fetch(SHOP + path, {
    method, body: body && JSON.stringify(body), headers: {'Content-Type': 'application/json'}});
  return {status: response.status, body: await response.json()};
}
async function waitFor(predicate, what, seconds = 60) {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await sleep(200)) {
    const found = await predicate();
    if (found) return found;
  }
  throw new Error(`FAILED: ${what} within ${seconds} s`);
}
const received = async (type, objectId) =>
  (await shop('GET', '/events')).body.some((e) => e.type === type && e.object === objectId);

const endpoint = await stripe.webhookEndpoints.create({url: `${SHOP}/webhook`,
                                                       enabled_events: EVENTS});
const server = spawn(process.execPath, [new URL('./server.js', import.meta.url).pathname], {
  env: {...process.env, PORT: String(port), STRIPE_WEBHOOK_SECRET: endpoint.secret},
  stdio: 'inherit',
});
try {
  await waitFor(() => shop('GET', '/events').then(() => true, () => false), 'the shop starting');

  // 1. Checkout: the quickstart's PaymentIntent, confirmed as Stripe.js would.
  let answer = await shop('POST', '/create-payment-intent',
                          {items: [{id: 'tshirt', quantity: 2}], order_id: 'A-1'});
  check(answer.status === 200 && answer.body.clientSecret.startsWith(answer.body.id),
        'the shop creates a PaymentIntent with automatic_payment_methods');
  const intent = await stripe.paymentIntents.confirm(answer.body.id,
                                                     {payment_method: 'pm_card_visa'});
  check(intent.status === 'succeeded' && intent.amount === 4000 && intent.latest_charge,
        'confirmed with a card: succeeded, 40.00 USD, with a charge');
  check(intent.lastResponse.requestId.startsWith('req_'), 'the SDK sees the Request-Id');
  check(await waitFor(() => received('payment_intent.succeeded', intent.id), 'the webhook'),
        'payment_intent.succeeded reached the shop, its signature verified');

  // 2. A declined card: the intent waits for another payment method.
  answer = await shop('POST', '/create-payment-intent', {items: [{id: 'mug'}]});
  try {
    await stripe.paymentIntents.confirm(answer.body.id,
                                        {payment_method: 'pm_card_chargeDeclined'});
    throw new Error('FAILED: a declining card was charged');
  } catch (error) {
    check(error.type === 'StripeCardError' && error.code === 'card_declined' &&
          error.raw.payment_intent.last_payment_error.payment_method.card.last4 === '0002',
          'a declined card: 402 card_declined, the card in last_payment_error');
  }

  // 3. Save a card with a SetupIntent, then charge it off session.
  answer = await shop('POST', '/create-setup-intent', {email: 'jenny@example.com'});
  const setup = await stripe.setupIntents.confirm(answer.body.id,
                                                  {payment_method: 'pm_card_visa'});
  check(setup.status === 'succeeded', 'the SetupIntent saved the card');
  check(await waitFor(() => received('setup_intent.succeeded', setup.id), 'the webhook'),
        'setup_intent.succeeded reached the shop');
  const charged = await shop('POST', '/charge-saved-card',
                             {customer: answer.body.customer, amount: 1200});
  check(charged.status === 200 && charged.body.status === 'succeeded' && charged.body.charge,
        'the saved card charged off session');

  // 4. A saved card whose issuer asks for its holder every time (saved earlier, with the
  // holder present): off session it declines authentication_required.
  answer = await shop('POST', '/create-setup-intent', {email: 'away@example.com'});
  await stripe.paymentMethods.attach('pm_card_authenticationRequired',
                                     {customer: answer.body.customer});
  const refused = await shop('POST', '/charge-saved-card',
                             {customer: answer.body.customer, amount: 1200});
  check(refused.status === 402 && refused.body.error === 'authentication_required',
        'a card needing authentication declines off session: authentication_required');
  console.log('stripe-node example: all checks passed');
} finally {
  server.kill();
  await stripe.webhookEndpoints.del(endpoint.id);
}
