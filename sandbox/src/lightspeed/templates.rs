//! The default JSON object of every kind, with exactly the keys (and the `false`/`null`/string
//! quirks) of the vendor fixtures and live samples. Creates start from these and apply the input.

use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::store::Links;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// An empty address block for customers and orders.
fn address(prefix: &str, m: &mut Map<String, Value>, with_region_data: bool) {
    for f in [
        "Name",
        "Street",
        "Street2",
        "Number",
        "Extension",
        "Zipcode",
        "City",
        "Region",
    ] {
        m.insert(format!("address{prefix}{f}"), json!(""));
    }
    m.insert(format!("address{prefix}Country"), json!(false));
    if with_region_data {
        m.insert(format!("address{prefix}RegionData"), json!(false));
    }
}

/// The default object of a kind.
pub(crate) fn template(
    kind: Kind,
    id: u64,
    now: &str,
    links: &Links,
    lang: &Value,
) -> Map<String, Value> {
    match kind {
        Kind::Order => order(id, now, links, lang),
        Kind::Customer => customer(id, now, links),
        Kind::Product => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now,
            "isVisible": true, "visibility": "visible", "hasMatrix": false,
            "data01": "", "data02": "", "data03": "",
            "url": "", "title": "", "fulltitle": "", "description": "", "content": "",
            "set": false, "brand": false,
            "categories": links.coll(&format!("categories/products?product={id}")),
            "deliverydate": false, "image": false,
            "images": links.coll(&format!("products/{id}/images")),
            "relations": links.coll(&format!("products/{id}/relations")),
            "metafields": links.coll(&format!("products/{id}/metafields")),
            "reviews": links.coll(&format!("reviews?product={id}")),
            "type": false,
            "attributes": links.coll(&format!("products/{id}/attributes")),
            "supplier": false,
            "tags": links.coll(&format!("tags/products?product={id}")),
            "variants": links.coll(&format!("variants?product={id}")),
            "movements": links.coll(&format!("variants/movements?product={id}")),
            "templateDataFields": {},
        })),
        Kind::Variant => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now,
            "isDefault": false, "sortOrder": 1,
            "articleCode": "", "ean": "", "sku": "", "hs": null,
            "unitPrice": 0, "unitUnit": "",
            "priceExcl": 0, "priceIncl": 0, "priceCost": 0, "oldPriceExcl": 0, "oldPriceIncl": 0,
            "stockTracking": "enabled", "stockLevel": 0, "stockAlert": 0, "stockMinimum": 0, "stockSold": 0,
            "stockBuyMininum": 1, "stockBuyMinimum": 1, "stockBuyMaximum": 10000,
            "weight": 0, "weightValue": "0.000", "weightUnit": "g",
            "volume": 0, "volumeValue": 0, "volumeUnit": "ml",
            "colli": 0, "sizeX": 0, "sizeY": 0, "sizeZ": 0,
            "sizeXValue": "0.000", "sizeYValue": "0.000", "sizeZValue": "0.000", "sizeUnit": "cm",
            "matrix": false, "title": "Default", "taxType": null, "image": false, "tax": false,
            "product": false,
            "movements": links.coll(&format!("variants/movements?variant={id}")),
            "metafields": links.coll(&format!("variants/{id}/metafields")),
            "additionalcost": false, "options": [],
        })),
        Kind::Category => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now,
            "isVisible": true, "depth": 1, "path": [id.to_string()], "type": "category",
            "sortOrder": 1, "sorting": "popular", "url": "", "title": "", "fulltitle": "",
            "description": "", "content": "", "image": false, "parent": false,
            "children": links.coll(&format!("categories?parent={id}")),
            "products": links.coll(&format!("categories/products?category={id}")),
        })),
        Kind::CategoriesProduct => obj(json!({
            "id": id, "sortOrder": 0, "category": false, "product": false,
        })),
        Kind::ProductImage => obj(json!({
            "id": id, "sortOrder": 1, "createdAt": now, "updatedAt": now,
            "extension": "jpg", "size": 0, "title": "", "thumb": "", "src": "",
        })),
        Kind::Attribute => obj(json!({
            "id": id, "title": "", "defaultValue": "",
            "types": links.coll(&format!("types/attributes?attribute={id}")),
        })),
        Kind::Type => obj(json!({
            "id": id, "title": "",
            "attributes": links.coll(&format!("types/attributes?type={id}")),
        })),
        Kind::TypesAttribute => obj(json!({
            "id": id, "sortOrder": null, "type": false, "attribute": false,
        })),
        Kind::ProductAttribute => obj(json!({
            "id": id, "value": "",
            "attribute": { "id": id, "title": "", "defaultValue": "",
                "types": links.coll(&format!("types/attributes?attribute={id}")) },
        })),
        Kind::Filter => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "title": "", "position": 1, "isActive": true,
        })),
        Kind::FilterValue => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "title": "", "position": 1,
        })),
        Kind::ProductFilterValue => obj(json!({
            "id": id, "filter": false, "filtervalue": false,
        })),
        Kind::Tax => obj(json!({ "id": id, "isDefault": false, "rate": 0, "title": "" })),
        Kind::PaymentMethod => obj(json!({ "id": id, "key": "", "title": "" })),
        Kind::ShippingMethod => obj(json!({
            "id": id, "type": "default", "isBackofficeOnly": false, "sortOrder": 1,
            "freeAbove": 1000000, "paymentPriceExcl": 0, "paymentPriceIncl": 0,
            "title": "", "description": "", "tax": false,
            "countries": links.coll(&format!("shippingmethods/{id}/countries")),
            "values": links.coll(&format!("shippingmethods/{id}/values")),
        })),
        Kind::Brand => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "url": "", "title": "",
            "content": false, "image": false,
            "products": links.coll(&format!("products?brand={id}")),
            "isVisible": true,
        })),
        Kind::Supplier => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "title": "", "attention_of": "",
            "street": "", "street2": "", "number": "", "extension": "", "zip_code": "",
            "city": "", "region": "", "country_id": false,
        })),
        Kind::Invoice => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "number": "", "status": "not_paid",
            "isVatShifted": false, "priceExcl": 0, "priceIncl": 0,
            "doNotifyNew": false, "doNotifyPaid": false,
            "invoice": false, "isCreditNote": false, "creditNote": false,
            "order": false, "customer": false,
            "items": links.coll(&format!("invoices/{id}/items")),
            "metafields": links.coll(&format!("invoices/{id}/metafields")),
            "events": links.coll(&format!("orders/events?invoice={id}")),
        })),
        Kind::InvoiceItem => obj(json!({
            "id": id, "type": "product", "title": "", "variant": "", "orderProductId": null,
            "articleCode": "", "ean": "", "sku": "", "taxRate": 0,
            "basePriceExcl": 0, "basePriceIncl": 0, "priceExcl": 0, "priceIncl": 0,
            "discountExcl": 0, "discountIncl": 0, "quantity": 1,
        })),
        Kind::Shipment => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "number": "", "status": "not_shipped",
            "trackingCode": "", "doNotifyShipped": false, "doNotifyReadyForPickup": false,
            "doNotifyTrackingCode": false,
            "totalWeight": 0, "totalSizeX": 0, "totalSizeY": 0, "totalSizeZ": 0,
            "customer": false, "order": false,
            "products": links.coll(&format!("shipments/{id}/products")),
            "metafields": links.coll(&format!("shipments/{id}/metafields")),
            "events": links.coll(&format!("orders/events?shipment={id}")),
        })),
        Kind::Webhook => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "isActive": true,
            "itemGroup": "orders", "itemAction": "*", "language": lang.clone(),
            "format": "json", "address": "",
        })),
        Kind::CustomStatus => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "title": "", "color": "#000000",
        })),
        Kind::OrderMetafield => obj(json!({
            "id": id, "createdAt": now, "updatedAt": now, "key": "", "value": "",
        })),
        Kind::VariantMovement => obj(json!({
            "id": id, "createdAt": now, "channel": "api", "stockLevelChange": 0,
            "product": false, "variant": false,
        })),
        Kind::OrderEvent => obj(json!({
            "id": id, "createdAt": now, "channel": "auto", "type": "order", "message": "new",
            "comment": null, "order": false, "invoice": false, "shipment": false,
        })),
        Kind::OrderProduct => obj(json!({
            "id": id, "supplierTitle": "", "brandTitle": "", "productTitle": "", "variantTitle": "",
            "taxRate": 0, "taxRates": [],
            "quantityOrdered": 1, "quantityInvoiced": 0, "quantityShipped": 0,
            "quantityRefunded": 0, "quantityReturned": 0,
            "articleCode": "", "ean": "", "sku": "",
            "weight": 0, "volume": 0, "colli": 0, "sizeX": 0, "sizeY": 0, "sizeZ": 0,
            "priceCost": 0, "customExcl": 0, "customIncl": 0,
            "basePriceExcl": 0, "basePriceIncl": 0, "priceExcl": 0, "priceIncl": 0,
            "discountExcl": 0, "discountIncl": 0, "customFields": false,
            "product": false, "variant": false,
        })),
    }
}

fn customer(id: u64, now: &str, links: &Links) -> Map<String, Value> {
    let mut m = obj(json!({
        "id": id, "createdAt": now, "updatedAt": now,
        "isConfirmed": true, "type": "registered", "lastOnlineAt": null,
        "remoteIp": false, "userAgent": false, "referralId": false,
        "gender": false, "birthDate": false, "nationalId": "",
        "email": "", "firstname": "", "middlename": "", "lastname": "",
        "phone": "", "mobile": "",
        "isCompany": false, "companyName": "", "companyCoCNumber": "", "companyVatNumber": "",
    }));
    address("Billing", &mut m, false);
    m.insert("addressShippingCompany".into(), json!(false));
    address("Shipping", &mut m, false);
    let rest = obj(json!({
        "memo": "", "doNotifyRegistered": false, "doNotifyConfirmed": false, "doNotifyPassword": false,
        "groups": links.coll(&format!("groups/customers?customer={id}")),
        "invoices": links.coll(&format!("invoices?customer={id}")),
        "language": false,
        "orders": links.coll(&format!("orders?customer={id}")),
        "reviews": links.coll(&format!("reviews?customer={id}")),
        "shipments": links.coll(&format!("shipments?customer={id}")),
        "tickets": links.coll(&format!("tickets?customer={id}")),
        "metafields": links.coll(&format!("customers/{id}/metafields")),
        "login": links.coll(&format!("customers/{id}/login")),
    }));
    m.extend(rest);
    m
}

fn order(id: u64, now: &str, links: &Links, lang: &Value) -> Map<String, Value> {
    let mut m = obj(json!({
        "id": id, "createdAt": now, "updatedAt": now, "number": "",
        "status": "processing_awaiting_payment", "customStatusId": null, "channel": "main",
        "remoteIp": false, "userAgent": false, "referralId": false,
        "priceCost": 0, "priceExcl": 0, "priceIncl": 0, "weight": 0, "volume": 0, "colli": 0,
        "gender": false, "birthDate": false, "nationalId": "",
        "email": "", "firstname": "", "middlename": "", "lastname": "", "phone": "", "mobile": "",
        "newsletterSubscribed": false,
        "isCompany": false, "companyName": "", "companyCoCNumber": "", "companyVatNumber": "",
    }));
    address("Billing", &mut m, true);
    m.insert("addressShippingCompany".into(), json!(false));
    address("Shipping", &mut m, true);
    let rest = obj(json!({
        "paymentId": "", "paymentStatus": "not_paid", "paymentIsPost": false,
        "paymentIsInvoiceExternal": false, "paymentTaxRate": 0, "paymentTaxRates": [],
        "paymentBasePriceExcl": 0, "paymentBasePriceIncl": 0, "paymentPriceExcl": 0, "paymentPriceIncl": 0,
        "paymentTitle": "", "paymentData": [],
        "shipmentId": false, "shipmentStatus": "not_shipped", "shipmentIsCashOnDelivery": false,
        "shipmentIsPickup": false, "shipmentTaxRate": 0, "shipmentTaxRates": [],
        "shipmentBasePriceExcl": 0, "shipmentBasePriceIncl": 0, "shipmentPriceExcl": 0, "shipmentPriceIncl": 0,
        "shipmentDiscountExcl": 0, "shipmentDiscountIncl": 0, "shipmentTitle": "", "shipmentData": [],
        "shippingDate": null, "deliveryDate": null,
        "isDiscounted": false, "discountType": "amount", "discountAmount": 0, "discountPercentage": 0,
        "discountCouponCode": "",
        "taxRates": [],
        "isNewCustomer": false, "comment": "", "memo": "", "allowNotifications": true,
        "doNotifyNew": false, "doNotifyReminder": false, "doNotifyCancelled": false,
        "language": lang.clone(),
        "customer": false,
        "invoices": links.coll(&format!("invoices?order={id}")),
        "shipments": links.coll(&format!("shipments?order={id}")),
        "products": links.coll(&format!("orders/{id}/products")),
        "metafields": links.coll(&format!("orders/{id}/metafields")),
        "quote": false,
        "events": links.coll(&format!("orders/events?order={id}")),
    }));
    m.extend(rest);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_id() {
        let links = Links::new("http://h/nl/".into());
        for kind in Kind::ALL {
            let t = template(kind, 7, "2026-01-01T00:00:00+01:00", &links, &json!(false));
            assert_eq!(t.get("id"), Some(&json!(7)), "{kind:?}");
        }
    }
}
