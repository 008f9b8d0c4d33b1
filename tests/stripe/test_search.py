"""Stripe's search with the official Python SDK: customers, PaymentIntents and charges found
by the query language Stripe documents for them, paged with `page`, and malformed queries
refused with a message that says what is wrong."""

import pytest
import stripe

pytestmark = pytest.mark.django_db(transaction=True)


def found(result) -> list[str]:
    assert result.object == "search_result"
    return [obj.id for obj in result.data]


@pytest.fixture
def customers(sdk):
    return [
        stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen",
                               metadata={"tier": "gold", "region": "eu"}),
        stripe.Customer.create(email="jenny.r@shop.example", name="Jenny Appleseed",
                               metadata={"tier": "silver"}),
        stripe.Customer.create(email="amy@rocketrides.io", name="Amy Ride"),
    ]


def test_customers_by_email_name_and_metadata(customers):
    jenny, appleseed, amy = (c.id for c in customers)
    assert found(stripe.Customer.search(query='email:"jenny@example.com"')) == [jenny]
    assert found(stripe.Customer.search(query="email:'JENNY@example.com'")) == [jenny]
    assert found(stripe.Customer.search(query='email~"jenny"')) == [appleseed, jenny]
    assert found(stripe.Customer.search(query="metadata['tier']:'gold'")) == [jenny]
    assert found(stripe.Customer.search(query='metadata["region"]:"eu" name~"Rosen"')) == [
        jenny]
    assert found(stripe.Customer.search(query="-metadata['tier']:null")) == [appleseed, jenny]
    assert found(stripe.Customer.search(query='-name~"jenny"')) == [amy]
    assert found(stripe.Customer.search(
        query='email:"amy@rocketrides.io" OR metadata["tier"]:"silver"')) == [amy, appleseed]
    assert found(stripe.Customer.search(query='name:"Jenny" and email~"example"')) == []


def test_payment_intents_by_status_amount_currency_and_customer(customers):
    jenny = customers[0].id
    paid = stripe.PaymentIntent.create(amount=5000, currency="usd", customer=jenny,
                                       payment_method="pm_card_visa", confirm=True)
    held = stripe.PaymentIntent.create(amount=1200, currency="eur", payment_method="pm_card_visa",
                                       confirm=True, capture_method="manual")
    waiting = stripe.PaymentIntent.create(amount=800, currency="usd",
                                          metadata={"order_id": "42"})
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(amount=300, currency="usd", confirm=True,
                                    payment_method="pm_card_chargeDeclined")
    declined = raised.value.error.payment_intent.id

    def search(query):
        return found(stripe.PaymentIntent.search(query=query))

    assert search("status:'succeeded'") == [paid.id]
    assert search("status:'requires_capture'") == [held.id]
    assert search("status:'requires_payment_method'") == [declined, waiting.id]
    assert search("amount>1000") == [held.id, paid.id]
    assert search("amount>=1200 AND amount<5000") == [held.id]
    assert search("amount:800") == [waiting.id]
    assert search("currency:'eur'") == [held.id]
    assert search("-currency:'usd'") == [held.id]
    assert search(f"customer:'{jenny}'") == [paid.id]
    assert search("metadata['order_id']:'42'") == [waiting.id]
    assert search(f"created>={paid.created} status:'succeeded'") == [paid.id]
    assert search("status:'canceled'") == []


def test_charges_by_status_amount_and_card(sdk):
    paid = stripe.PaymentIntent.create(amount=2500, currency="usd", confirm=True,
                                       payment_method="pm_card_mastercard")
    with pytest.raises(stripe.CardError):
        stripe.PaymentIntent.create(amount=900, currency="usd", confirm=True,
                                    payment_method="pm_card_chargeDeclined")
    failed = stripe.Charge.search(query="status:'failed'").data
    assert [(c.amount, c.failure_code) for c in failed] == [(900, "card_declined")]
    assert found(stripe.Charge.search(query="amount>1000 status:'succeeded'")) == [
        paid.latest_charge]
    assert found(stripe.Charge.search(
        query="payment_method_details.card.last4:'4444'")) == [paid.latest_charge]
    assert found(stripe.Charge.search(query="refunded:'true'")) == []
    stripe.Refund.create(payment_intent=paid.id)
    assert found(stripe.Charge.search(query="refunded:'true'")) == [paid.latest_charge]


def test_results_come_in_pages_with_next_page(sdk):
    made = [stripe.Customer.create(email=f"c{n}@example.com").id for n in range(5)]
    first = stripe.Customer.search(query='email~"example"', limit=2,
                                   expand=["total_count"])
    assert (len(first.data), first.has_more, first.total_count) == (2, True, 5)
    assert first.url == "/v1/customers/search" and first.next_page
    second = stripe.Customer.search(query='email~"example"', limit=2, page=first.next_page)
    assert found(second) == made[::-1][2:4]
    walked = [c.id for c in stripe.Customer.search(query='email~"example"', limit=2)
              .auto_paging_iter()]
    assert walked == made[::-1]
    last = stripe.Customer.search(query='email~"example"', limit=5)
    assert (last.has_more, last.next_page) == (False, None)
    with pytest.raises(stripe.InvalidRequestError) as raised:  # a page of another search
        stripe.Customer.search(query='email~"c1@"', page=first.next_page)
    assert raised.value.param == "page"


@pytest.mark.parametrize("query, words", [
    ("", "may not be blank"),
    ("email", "an operator"),
    ('email:"jenny', "never closed"),
    ("email:jenny", 'quoted'),
    ("colour:'blue'", "unsupported search field"),
    ("created~'12'", "does not support the '~' operator"),
    ('email~"ab"', "at least 3 characters"),
    ("name:'a' AND email:'b' OR phone:'c'", "AND and OR cannot be combined"),
    ("metadata:'x'", "metadata['key']"),
    (" OR ".join(["name:'a'"] * 11), "at most 10"),
    ("name:'" + "a" * 1000 + "'", "no more than 1000 characters"),
    ("name:'a'email:'b'", "a space between clauses"),
], ids=["empty", "no-operator", "unterminated", "unquoted", "unknown-field", "wrong-operator",
        "short-substring", "and-or", "metadata-without-key", "too-many-clauses", "too-long",
        "no-space"])
def test_a_malformed_query_is_400_on_query(sdk, query, words):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.search(query=query)
    assert (raised.value.http_status, raised.value.param) == (400, "query")
    assert words in raised.value.user_message


def test_numbers_may_be_quoted_and_times_compared(sdk):
    small = stripe.PaymentIntent.create(amount=600, currency="usd")
    large = stripe.PaymentIntent.create(amount=6000, currency="usd")
    assert found(stripe.PaymentIntent.search(query="amount:'6000'")) == [large.id]
    assert found(stripe.PaymentIntent.search(query='amount<"1000"')) == [small.id]
    assert found(stripe.PaymentIntent.search(
        query=f"created>={small.created} created<={large.created}")) == [large.id, small.id]
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentIntent.search(query="amount:'lots'")
    assert "takes a number" in raised.value.user_message
