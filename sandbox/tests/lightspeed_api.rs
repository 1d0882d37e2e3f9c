//! Lightspeed simulator over plain HTTP: auth, paths, lists, filters, CRUD semantics.

mod common;

use common::{Ls, small, start};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn basic_auth_is_required_and_401_has_the_error_envelope() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let no_auth = common::answer(ls.client.get(ls.url("orders.json")).send().await.unwrap()).await;
    assert_eq!(no_auth.status, 401);
    assert_eq!(no_auth.json["error"]["code"], 401);
    assert_eq!(no_auth.json["error"]["method"], "GET");
    assert!(
        no_auth.json["error"]["request"]
            .as_str()
            .unwrap()
            .ends_with("/orders.json")
    );
    let wrong = common::answer(
        ls.client
            .get(ls.url("orders.json"))
            .basic_auth(ls.sim.api_key(), Some("0".repeat(32)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(
        !wrong.header("x-ratelimit-limit").is_empty(),
        "401 carries rate-limit headers too"
    );
    assert_eq!(ls.get("orders.json").await.status, 200);
    assert_eq!(ls.sim.api_key().len(), 32);
}

#[tokio::test]
async fn unknown_language_and_unknown_paths_are_404() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let url = format!("{}xx/orders.json", ls.sim.base_url());
    let a = common::answer(
        ls.client
            .get(url)
            .basic_auth(
                ls.sim.api_key(),
                Some(secrecy::ExposeSecret::expose_secret(&ls.sim.api_secret())),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 404);
    assert_eq!(a.json["error"]["message"], "Unknown or inactive language.");
    assert_eq!(ls.get("nonsense.json").await.status, 404);
    assert_eq!(ls.get("orders/1.json").await.status, 404);
    // Other active languages answer with links in their language.
    let en = common::answer(
        ls.client
            .get(format!("{}en/shop.json", ls.sim.base_url()))
            .basic_auth(
                ls.sim.api_key(),
                Some(secrecy::ExposeSecret::expose_secret(&ls.sim.api_secret())),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        en.json["shop"]["company"]["resource"]["link"]
            .as_str()
            .unwrap()
            .contains("/en/shop/company.json")
    );
}

#[tokio::test]
async fn list_get_count_and_envelopes() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let list = ls.get("orders.json").await;
    let orders = list.json["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 30);
    let ids: Vec<u64> = orders.iter().map(|o| o["id"].as_u64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "ascending id order");
    assert!(
        orders[0]["products"]["resource"].get("embedded").is_none(),
        "lists do not embed"
    );
    let count = ls.get("orders/count.json").await;
    assert_eq!(count.json, json!({"count": 30}));
    let one = ls.get(&format!("orders/{}.json", ids[0])).await;
    assert_eq!(one.json["order"]["id"], ids[0]);
    let lines = one.json["order"]["products"]["resource"]["embedded"]
        .as_array()
        .unwrap();
    assert!(!lines.is_empty(), "a single order embeds its lines");
    let sub = ls.get(&format!("orders/{}/products.json", ids[0])).await;
    assert_eq!(
        sub.json["orderProducts"].as_array().unwrap().len(),
        lines.len()
    );
    let line_id = lines[0]["id"].as_u64().unwrap();
    let single_line = ls
        .get(&format!("orders/{}/products/{line_id}.json", ids[0]))
        .await;
    assert_eq!(single_line.json["orderProduct"]["id"], line_id);
    for (path, key) in [
        ("variants/movements.json", "variantsMovements"),
        ("customers.json", "customers"),
        ("categories/products.json", "categoriesProducts"),
        ("types/attributes.json", "typesAttributes"),
        ("orders/customstatuses.json", "customStatuses"),
        ("taxes.json", "taxes"),
        ("paymentmethods.json", "paymentmethods"),
        ("shippingmethods.json", "shippingmethods"),
        ("brands.json", "brands"),
        ("suppliers.json", "suppliers"),
        ("invoices.json", "invoices"),
        ("shipments.json", "shipments"),
        ("webhooks.json", "webhooks"),
        ("attributes.json", "attributes"),
        ("types.json", "types"),
        ("filters.json", "filters"),
        ("orders/events.json", "ordersEvents"),
    ] {
        let a = ls.get(path).await;
        assert_eq!(a.status, 200, "{path}");
        assert!(a.json[key].is_array(), "{path} → {key}: {}", a.text);
    }
    for (path, key) in [
        ("shop.json", "shop"),
        ("account.json", "account"),
        ("account/ratelimit.json", "accountRatelimit"),
        ("account/permissions.json", "accountPermissions"),
    ] {
        assert!(ls.get(path).await.json[key].is_object(), "{path}");
    }
    assert_eq!(
        ls.get("shop.json").await.json["shop"]["id"],
        ls.sim.shop_id()
    );
    assert_eq!(
        ls.get("account.json").await.json["account"]["apiKey"],
        ls.sim.api_key()
    );
}

#[tokio::test]
async fn paging_limit_cap_and_since_id() {
    let sb = start(small().customers(260)).await;
    let ls = Ls::new(sb.lightspeed());
    let default = ls.get("customers.json").await;
    assert_eq!(
        default.json["customers"].as_array().unwrap().len(),
        50,
        "default limit 50"
    );
    let capped = ls.get("customers.json?limit=1000").await;
    assert_eq!(
        capped.json["customers"].as_array().unwrap().len(),
        250,
        "limit capped at 250"
    );
    let p1 = ls.get("customers.json?limit=100&page=1").await.json["customers"].clone();
    let p3 = ls.get("customers.json?limit=100&page=3").await.json["customers"].clone();
    assert_eq!(p3.as_array().unwrap().len(), 60);
    let beyond = ls.get("customers.json?limit=100&page=4").await;
    assert_eq!(beyond.json["customers"], json!([]));
    let last_of_p1 = p1[99]["id"].as_u64().unwrap();
    let since = ls
        .get(&format!("customers.json?since_id={last_of_p1}&limit=5"))
        .await;
    assert_eq!(
        since.json["customers"][0]["id"].as_u64().unwrap(),
        ls.get("customers.json?limit=1&page=101").await.json["customers"][0]["id"]
            .as_u64()
            .unwrap()
    );
    let count = ls
        .get(&format!("customers/count.json?since_id={last_of_p1}"))
        .await;
    assert_eq!(count.json["count"], 160);
    assert_eq!(ls.get("customers.json?limit=abc").await.status, 400);
}

#[tokio::test]
async fn date_windows_fields_and_relation_filters() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let all = ls.sim.orders();
    let mid = &all[all.len() / 2];
    let mid_updated = chrono::DateTime::parse_from_rfc3339(mid["updatedAt"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let filter = mid_updated.format("%Y-%m-%d %H:%M:%S").to_string();
    let newer = ls
        .get(&format!(
            "orders.json?limit=250&updated_at_min={}",
            filter.replace(' ', "%20")
        ))
        .await;
    let expected = all
        .iter()
        .filter(|o| {
            chrono::DateTime::parse_from_rfc3339(o["updatedAt"].as_str().unwrap()).unwrap()
                >= mid_updated
        })
        .count();
    assert_eq!(newer.json["orders"].as_array().unwrap().len(), expected);
    assert!(expected >= 1);
    let older = ls
        .get(&format!(
            "orders/count.json?updated_at_max={}",
            filter.replace(' ', "%20")
        ))
        .await;
    let expected_older = all
        .iter()
        .filter(|o| {
            chrono::DateTime::parse_from_rfc3339(o["updatedAt"].as_str().unwrap()).unwrap()
                <= mid_updated
        })
        .count();
    assert_eq!(older.json["count"], expected_older);
    let created = ls.get("orders/count.json?created_at_min=2026-06-01%2000:00:00&created_at_max=2026-06-10%2000:00:00").await;
    assert!(created.json["count"].as_u64().unwrap() <= 30);
    assert_eq!(
        ls.get("orders.json?updated_at_min=yesterday").await.status,
        400
    );

    let fields = ls
        .get("orders.json?fields=id,number,updatedAt&limit=3")
        .await;
    for o in fields.json["orders"].as_array().unwrap() {
        let mut keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "number", "updatedAt"]);
        assert_eq!(o.as_object().unwrap().len(), 3);
    }

    // Relation filters.
    let seed = sb.seed_data();
    let art = seed
        .articles
        .iter()
        .find(|a| a.variant_id.is_some())
        .unwrap();
    let by_sku = ls.get(&format!("variants.json?sku={}", art.art_code)).await;
    assert_eq!(by_sku.json["variants"].as_array().unwrap().len(), 1);
    assert_eq!(by_sku.json["variants"][0]["id"], art.variant_id.unwrap());
    assert_eq!(
        ls.get(&format!("variants.json?articleCode={}", art.art_code))
            .await
            .json["variants"][0]["id"],
        art.variant_id.unwrap()
    );
    assert_eq!(
        ls.get(&format!("variants.json?ean={}", art.ean)).await.json["variants"][0]["id"],
        art.variant_id.unwrap()
    );
    let by_product = ls
        .get(&format!(
            "variants.json?product={}",
            art.product_id.unwrap()
        ))
        .await;
    assert!(
        by_product.json["variants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["product"]["resource"]["id"] == art.product_id.unwrap())
    );
    let order = seed
        .orders
        .iter()
        .find(|o| o.customer_id.is_some())
        .unwrap();
    let cid = order.customer_id.unwrap();
    let by_customer = ls.get(&format!("orders.json?customer={cid}")).await;
    let list = by_customer.json["orders"].as_array().unwrap();
    assert!(!list.is_empty() && list.iter().all(|o| o["customer"]["resource"]["id"] == cid));
    let paid = ls.get("orders/count.json?paymentStatus=paid").await.json["count"]
        .as_u64()
        .unwrap();
    let expected_paid = seed
        .orders
        .iter()
        .filter(|o| o.payment_status == "paid")
        .count() as u64;
    assert_eq!(paid, expected_paid);
    let by_status = ls.get("orders.json?status=cancelled&limit=250").await;
    assert!(
        by_status.json["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "cancelled")
    );
    let by_number = ls
        .get(&format!("orders.json?number={}", order.number))
        .await;
    assert_eq!(by_number.json["orders"][0]["id"], order.id);
    let email = seed.customers[0].email.to_uppercase();
    let by_email = ls.get(&format!("customers.json?email={email}")).await;
    assert_eq!(by_email.json["customers"][0]["id"], seed.customers[0].id);
    let paid_order = seed
        .orders
        .iter()
        .find(|o| o.payment_status == "paid")
        .unwrap();
    let invoices = ls
        .get(&format!("invoices.json?order={}", paid_order.id))
        .await;
    assert_eq!(invoices.json["invoices"].as_array().unwrap().len(), 1);
    let links = ls
        .get(&format!(
            "categories/products.json?product={}",
            art.product_id.unwrap()
        ))
        .await;
    assert!(
        links.json["categoriesProducts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["product"]["resource"]["id"] == art.product_id.unwrap())
    );
    let shipped = seed
        .orders
        .iter()
        .find(|o| o.status == "completed_shipped")
        .map(|o| o.id);
    if let Some(id) = shipped {
        assert_eq!(
            ls.get(&format!("shipments.json?order={id}")).await.json["shipments"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn orders_are_read_and_update_only() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let id = ls.sim.orders()[0]["id"].as_u64().unwrap();
    assert_eq!(
        ls.post("orders.json", json!({"order": {"email": "x@y.z"}}))
            .await
            .status,
        405
    );
    assert_eq!(ls.delete(&format!("orders/{id}.json")).await.status, 405);
    assert_eq!(
        ls.post(
            &format!("orders/{id}/products.json"),
            json!({"orderProduct": {}})
        )
        .await
        .status,
        405
    );
    assert_eq!(
        ls.post(
            "paymentmethods.json",
            json!({"paymentmethod": {"key": "x"}})
        )
        .await
        .status,
        405
    );
    let pid = ls.first_id("products.json", "products").await;
    assert_eq!(
        ls.post(
            &format!("products/{pid}/attributes.json"),
            json!({"productAttribute": {"value": "x"}})
        )
        .await
        .status,
        405,
        "product attributes have no POST"
    );
    let link = ls
        .first_id("categories/products.json", "categoriesProducts")
        .await;
    assert_eq!(
        ls.put(
            &format!("categories/products/{link}.json"),
            json!({"categoriesProduct": {"sortOrder": 3}})
        )
        .await
        .status,
        405
    );
    let a = ls.post("orders.json", json!({})).await;
    assert_eq!(a.json["error"]["code"], 405);

    let before = ls.sim.order(id).unwrap();
    let status = ls.sim.settings()["customStatuses"][0]["id"]
        .as_u64()
        .unwrap();
    let put = ls
        .put(&format!("orders/{id}.json"), json!({"order": {"status": "completed_shipped", "customStatusId": status, "memo": "AV 24000001", "priceIncl": 1}}))
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.json["order"]["status"], "completed_shipped");
    assert_eq!(put.json["order"]["customStatusId"], status);
    assert_eq!(put.json["order"]["memo"], "AV 24000001");
    assert_eq!(
        put.json["order"]["priceIncl"], before["priceIncl"],
        "totals are read-only"
    );
    assert_ne!(put.json["order"]["updatedAt"], before["updatedAt"]);
    let bad = ls
        .put(
            &format!("orders/{id}.json"),
            json!({"order": {"status": "shipped-ish"}}),
        )
        .await;
    assert_eq!(bad.status, 400);
    let bad_cs = ls
        .put(
            &format!("orders/{id}.json"),
            json!({"order": {"customStatusId": 1}}),
        )
        .await;
    assert_eq!(bad_cs.status, 400);

    // Metafields CRUD on orders.
    let mf = ls
        .post(
            &format!("orders/{id}/metafields.json"),
            json!({"orderMetafield": {"key": "accountview_order", "value": "24000001"}}),
        )
        .await;
    assert_eq!(mf.status, 201, "{}", mf.text);
    let mf_id = mf.json["orderMetafield"]["id"].as_u64().unwrap();
    let upd = ls
        .put(
            &format!("orders/{id}/metafields/{mf_id}.json"),
            json!({"orderMetafield": {"value": "24000002"}}),
        )
        .await;
    assert_eq!(upd.json["orderMetafield"]["value"], "24000002");
    assert_eq!(
        ls.get(&format!("orders/{id}/metafields/count.json"))
            .await
            .json["count"],
        1
    );
    assert_eq!(
        ls.delete(&format!("orders/{id}/metafields/{mf_id}.json"))
            .await
            .status,
        204
    );
    assert_eq!(ls.sim.order_metafields(id).len(), 0);
}

#[tokio::test]
async fn product_create_makes_a_default_variant_and_variant_puts_set_stock() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let created = ls.post("products.json", json!({"product": {"title": "Fietsbel goud", "brand": ls.sim.settings()["brands"][0]["id"]}})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let pid = created.json["product"]["id"].as_u64().unwrap();
    assert_eq!(created.json["product"]["url"], "fietsbel-goud");
    assert_eq!(
        created.json["product"]["brand"]["resource"]["url"],
        format!("brands/{}", ls.sim.settings()["brands"][0]["id"])
    );
    let variants = ls.get(&format!("variants.json?product={pid}")).await;
    let list = variants.json["variants"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["title"], "Default");
    assert_eq!(list[0]["isDefault"], true);
    let vid = list[0]["id"].as_u64().unwrap();
    assert_eq!(
        ls.post(
            "products.json",
            json!({"product": {"description": "no title"}})
        )
        .await
        .status,
        400
    );

    let put = ls
        .put(
            &format!("variants/{vid}.json"),
            json!({"variant": {"stockLevel": 17, "sku": "FB-GOUD", "priceIncl": 12.1}}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.json["variant"]["stockLevel"], 17);
    assert_eq!(
        put.json["variant"]["priceExcl"], 10,
        "price excl derived from incl and the default tax"
    );
    assert_eq!(ls.sim.stock_level("FB-GOUD"), Some(17));
    let moves = ls
        .get(&format!("variants/movements.json?variant={vid}"))
        .await;
    assert_eq!(moves.json["variantsMovements"][0]["stockLevelChange"], 17);
    assert_eq!(
        ls.put(
            &format!("variants/{vid}.json"),
            json!({"variant": {"stockLevel": "many"}})
        )
        .await
        .status,
        400
    );
    assert_eq!(
        ls.put(
            &format!("variants/{vid}.json"),
            json!({"variant": {"isDefault": "yes please"}})
        )
        .await
        .status,
        400
    );
    let second = ls.post("variants.json", json!({"variant": {"product": pid, "title": "XL", "sku": "FB-GOUD-XL", "priceExcl": 10}})).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.json["variant"]["isDefault"], false);
    assert_eq!(second.json["variant"]["priceIncl"], 12.1);
    assert_eq!(
        ls.post("variants.json", json!({"variant": {"title": "orphan"}}))
            .await
            .status,
        400
    );

    // Images, attributes, filter values, category links on the new product.
    let img = ls
        .post(
            &format!("products/{pid}/images.json"),
            json!({"productImage": {"attachment": "aGVsbG8=", "filename": "bel (goud).png"}}),
        )
        .await;
    assert_eq!(img.status, 201, "{}", img.text);
    assert_eq!(img.json["productImage"]["extension"], "png");
    assert_eq!(img.json["productImage"]["size"], 5);
    assert!(
        ls.sim.product(pid).unwrap()["image"]["src"]
            .as_str()
            .unwrap()
            .ends_with("bel-goud.png")
    );
    let attr = ls.sim.settings()["attributes"][0]["id"].as_u64().unwrap();
    let pa = ls
        .put(
            &format!("products/{pid}/attributes/{attr}.json"),
            json!({"productAttribute": {"value": "Nederland"}}),
        )
        .await;
    assert_eq!(pa.status, 200, "{}", pa.text);
    assert_eq!(pa.json["productAttribute"]["attribute"]["id"], attr);
    let bulk = ls
        .put(
            &format!("products/{pid}/attributes.json"),
            json!({"productAttributes": [{"attribute": attr, "value": "Duitsland"}]}),
        )
        .await;
    assert_eq!(bulk.status, 200, "{}", bulk.text);
    assert_eq!(ls.sim.product_attributes(pid)[0]["value"], "Duitsland");
    let filter = ls.sim.settings()["filters"][0]["id"].as_u64().unwrap();
    let value = ls
        .first_id(&format!("filters/{filter}/values.json"), "filterValues")
        .await;
    let pfv = ls
        .post(
            &format!("products/{pid}/filtervalues.json"),
            json!({"productFiltervalue": {"filter": filter, "filtervalue": value}}),
        )
        .await;
    assert_eq!(pfv.status, 201, "{}", pfv.text);
    assert!(
        pfv.json["productFiltervalue"]["filtervalue"]["resource"]["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("filters/{filter}/values/"))
    );
    let cat = ls.first_id("categories.json", "categories").await;
    let link = ls
        .post(
            "categories/products.json",
            json!({"categoriesProduct": {"category": cat, "product": pid}}),
        )
        .await;
    assert_eq!(link.status, 201, "{}", link.text);
    assert_eq!(
        ls.post(
            "categories/products.json",
            json!({"categoriesProduct": {"category": cat, "product": pid}})
        )
        .await
        .status,
        400,
        "duplicate link"
    );
    let ta = ls.post("types/attributes.json", json!({"typesAttribute": {"type": ls.sim.settings()["types"][0]["id"], "attribute": attr}})).await;
    assert_eq!(ta.status, 201);
    assert!(
        ta.json["typesAttributes"].is_object(),
        "create answers with the plural key"
    );

    // Deleting the product removes what hangs off it.
    assert_eq!(ls.delete(&format!("products/{pid}.json")).await.status, 204);
    assert_eq!(
        ls.get(&format!("variants/count.json?product={pid}"))
            .await
            .json["count"],
        0
    );
    assert_eq!(ls.get(&format!("products/{pid}.json")).await.status, 404);
}

#[tokio::test]
async fn customers_categories_and_webhooks_crud() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let c = ls
        .post("customers.json", json!({"customer": {"email": "nieuw@example.nl", "firstname": "Nina", "lastname": "Nieuw", "addressBillingCountry": "be"}}))
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    assert_eq!(c.json["customer"]["addressBillingCountry"]["code3"], "bel");
    let cid = c.json["customer"]["id"].as_u64().unwrap();
    let u = ls
        .put(
            &format!("customers/{cid}.json"),
            json!({"customer": {"phone": 612345678}}),
        )
        .await;
    assert_eq!(
        u.json["customer"]["phone"], "612345678",
        "numbers are coerced into text fields"
    );
    assert_eq!(
        ls.post(
            "customers.json",
            json!({"customer": {"firstname": "no email"}})
        )
        .await
        .status,
        400
    );
    assert_eq!(
        ls.delete(&format!("customers/{cid}.json")).await.status,
        204
    );

    let parent = ls.first_id("categories.json", "categories").await;
    let cat = ls
        .post(
            "categories.json",
            json!({"category": {"title": "Bellen", "parent": parent}}),
        )
        .await;
    assert_eq!(cat.status, 201, "{}", cat.text);
    assert_eq!(cat.json["category"]["depth"], 2);
    assert_eq!(cat.json["category"]["path"][1], parent.to_string());
    assert!(
        cat.json["category"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/bellen")
    );

    let w = ls.post("webhooks.json", json!({"webhook": {"itemGroup": "orders", "itemAction": "*", "language": "nl", "format": "json", "address": "http://127.0.0.1:9/hook"}})).await;
    assert_eq!(w.status, 201, "{}", w.text);
    assert_eq!(w.json["webhook"]["language"]["code"], "nl");
    let wid = w.json["webhook"]["id"].as_u64().unwrap();
    let off = ls
        .put(
            &format!("webhooks/{wid}.json"),
            json!({"webhook": {"isActive": false}}),
        )
        .await;
    assert_eq!(off.json["webhook"]["isActive"], false);
    assert_eq!(
        ls.post(
            "webhooks.json",
            json!({"webhook": {"itemGroup": "nonsense", "address": "http://x"}})
        )
        .await
        .status,
        400
    );
    assert_eq!(ls.delete(&format!("webhooks/{wid}.json")).await.status, 204);
    assert!(ls.sim.webhooks().is_empty());
    assert_eq!(
        ls.call(Method::PATCH, "webhooks.json", None).await.status,
        405
    );
}

#[tokio::test]
async fn credit_notes_link_to_the_original_invoice() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let paid = sb
        .seed_data()
        .orders
        .iter()
        .find(|o| o.payment_status == "paid")
        .unwrap()
        .id;
    let credit = ls.sim.create_credit_note(paid).unwrap();
    let inv = ls.get(&format!("invoices/{credit}.json")).await;
    assert_eq!(inv.json["invoice"]["isCreditNote"], true);
    let original = inv.json["invoice"]["invoice"]["resource"]["id"]
        .as_u64()
        .unwrap();
    let orig = ls.get(&format!("invoices/{original}.json")).await;
    assert_eq!(orig.json["invoice"]["creditNote"]["resource"]["id"], credit);
    assert!(
        ls.get(&format!("invoices/{credit}/items.json")).await.json["invoiceItems"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let via_api = ls
        .post(
            &format!("orders/{paid}/credit.json"),
            json!({"credit": {"creditPayment": true}}),
        )
        .await;
    assert_eq!(via_api.status, 201);
    assert_eq!(via_api.json["invoice"]["isCreditNote"], true);
    let unpaid = sb
        .seed_data()
        .orders
        .iter()
        .find(|o| o.payment_status == "not_paid")
        .unwrap()
        .id;
    assert!(
        ls.sim.create_credit_note(unpaid).is_err(),
        "no invoice, no credit note"
    );
    let _ = Value::Null;
}
