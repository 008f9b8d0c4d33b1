// A small shop's back end, written the way Stripe's docs write one (Express + the official
// `stripe` package). Nothing in it knows about the sandbox: it is pointed there the way
// stripe-mock users point their SDK, by configuration alone.
//
//   STRIPE_SECRET_KEY      the sandbox's API key (sk_test_… at Stripe)
//   STRIPE_WEBHOOK_SECRET  the signing secret of the endpoint that points at /webhook
//   STRIPE_HOST, STRIPE_PORT, STRIPE_PROTOCOL
//                          where the API is: the sandbox's Stripe port, e.g. localhost,
//                          12111, http (unset: Stripe itself)
import express from 'express';
import Stripe from 'stripe';

export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, {
  host: process.env.STRIPE_HOST || 'api.stripe.com',
  port: Number(process.env.STRIPE_PORT || 443),
  protocol: process.env.STRIPE_PROTOCOL || 'https',
});
const endpointSecret = process.env.STRIPE_WEBHOOK_SECRET || '';

const app = express();
const received = []; // the events the webhook handler accepted, in order (the shop's "database")
const PRICES = {tshirt: 2000, mug: 1200}; // the catalogue: minor units (cents)

const orderAmount = (items) =>
  items.reduce((sum, item) => sum + PRICES[item.id] * (item.quantity || 1), 0);

// Stripe verifies the raw body: this route comes before express.json().
app.post('/webhook', express.raw({type: 'application/json'}), (request, response) => {
  let event;
  try {
    event = stripe.webhooks.constructEvent(
      request.body, request.headers['stripe-signature'], endpointSecret);
  } catch (error) {
    response.status(400).send(`Webhook Error: ${error.message}`);
    return;
  }
  if (event.type === 'payment_intent.succeeded') {
    const intent = event.data.object;
    console.log(`order ${intent.metadata.order_id} paid: ${intent.id}`);
  }
  received.push({id: event.id, type: event.type, object: event.data.object.id});
  response.json({received: true});
});

app.use(express.json());

// Stripe's quickstart: the amount is computed on the server, never taken from the client;
// Stripe chooses the payment methods.
app.post('/create-payment-intent', async (request, response) => {
  const intent = await stripe.paymentIntents.create({
    amount: orderAmount(request.body.items),
    currency: 'usd',
    automatic_payment_methods: {enabled: true},
    metadata: {order_id: request.body.order_id || ''},
  });
  response.json({clientSecret: intent.client_secret, id: intent.id});
});

// Save a card for later: a customer, and a SetupIntent for off-session use.
app.post('/create-setup-intent', async (request, response) => {
  const customer = await stripe.customers.create({email: request.body.email});
  const setupIntent = await stripe.setupIntents.create({
    customer: customer.id,
    usage: 'off_session',
    automatic_payment_methods: {enabled: true},
  });
  response.json({clientSecret: setupIntent.client_secret, id: setupIntent.id,
                 customer: customer.id});
});

// Charge the saved card while the customer is away: a card that needs authentication
// declines with authentication_required, and the shop asks the customer to come back.
app.post('/charge-saved-card', async (request, response) => {
  const methods = await stripe.paymentMethods.list({customer: request.body.customer,
                                                    type: 'card'});
  try {
    const intent = await stripe.paymentIntents.create({
      amount: request.body.amount,
      currency: 'usd',
      customer: request.body.customer,
      payment_method: methods.data[0].id,
      off_session: true,
      confirm: true,
    });
    response.json({id: intent.id, status: intent.status, charge: intent.latest_charge});
  } catch (error) {
    if (error.type !== 'StripeCardError') throw error;
    response.status(402).json({error: error.code, payment_intent: error.raw.payment_intent.id});
  }
});

// What the webhook handler has accepted (for the shop's own checks).
app.get('/events', (request, response) => response.json(received));

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const port = Number(process.env.PORT || 4242);
  app.listen(port, '127.0.0.1', () => console.log(`shop on http://127.0.0.1:${port}`));
}
