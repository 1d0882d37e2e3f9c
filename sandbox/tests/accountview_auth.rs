//! AccountView OAuth and company selection over plain HTTP.

mod common;

use std::time::Duration;

use common::{Av, http, small, start, token};
use secrecy::ExposeSecret;

#[tokio::test]
async fn code_grant_refresh_rotation_and_invalid_grant_on_reuse() {
    let sb = start(small()).await;
    let av = sb.accountview();
    let client = http();
    let code = av.issue_authorization_code();
    let redirect = av.redirect_uri();
    let first = token(
        &client,
        &av,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect),
        ],
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["token_type"], "bearer");
    assert_eq!(first.json["expires_in"], 3600);
    assert!(
        first.json["scope"]
            .as_str()
            .unwrap()
            .contains("updateaccountviewdata")
    );
    let reuse = token(
        &client,
        &av,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect),
        ],
    )
    .await;
    assert_eq!(reuse.status, 400);
    assert_eq!(reuse.json["error"], "invalid_grant");
    let other = av.issue_authorization_code();
    let wrong_redirect = token(
        &client,
        &av,
        &[
            ("grant_type", "authorization_code"),
            ("code", &other),
            ("redirect_uri", "http://evil"),
        ],
    )
    .await;
    assert_eq!(wrong_redirect.json["error"], "invalid_grant");

    let r1 = first.json["refresh_token"].as_str().unwrap().to_owned();
    let second = token(
        &client,
        &av,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
    )
    .await;
    assert_eq!(second.status, 200);
    let r2 = second.json["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "refresh tokens rotate");
    let replay = token(
        &client,
        &av,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
    )
    .await;
    assert_eq!(replay.status, 400);
    assert_eq!(
        replay.json,
        serde_json::json!({"error": "invalid_grant", "error_description": replay.json["error_description"]})
    );
    assert_eq!(
        token(
            &client,
            &av,
            &[("grant_type", "refresh_token"), ("refresh_token", &r2)]
        )
        .await
        .status,
        200
    );

    let bad_secret = common::answer(
        client
            .post(format!("{}/token", av.base_url()))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", &av.client_id()),
                ("client_secret", "nope"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bad_secret.status, 401);
    assert_eq!(bad_secret.json["error"], "invalid_client");
    assert_eq!(
        token(&client, &av, &[("grant_type", "password")])
            .await
            .json["error"],
        "unsupported_grant_type"
    );
}

#[tokio::test]
async fn data_calls_need_a_live_bearer_and_tokens_expire() {
    let sb = start(small().av_token_ttl(Duration::from_secs(1))).await;
    let av = Av::connect(sb.accountview()).await;
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        200
    );
    let anonymous = common::answer(
        av.client
            .get(av.url("accountviewdata?BusinessObject=VA1"))
            .header("X-Company", av.sim.company_id())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.json["Message"].is_string());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        401,
        "expired after the TTL"
    );

    let fresh = Av::connect(sb.accountview()).await;
    assert_eq!(
        fresh.get("accountviewdata?BusinessObject=VA1").await.status,
        200
    );
    fresh.sim.expire_access_tokens();
    assert_eq!(
        fresh.get("accountviewdata?BusinessObject=VA1").await.status,
        401
    );
}

#[tokio::test]
async fn companies_and_the_x_company_header() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let companies = common::answer(
        av.client
            .get(av.url("companies"))
            .bearer_auth(&av.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let list = companies.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["Id"], av.sim.company_id());
    assert_eq!(list[0]["Code"], av.sim.company_code());
    assert!(list[0]["Description"].is_string());
    assert_eq!(av.sim.company_id().len(), 36, "a GUID");

    let missing = common::answer(
        av.client
            .get(av.url("accountviewdata?BusinessObject=AK1"))
            .bearer_auth(&av.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json["ErrorType"], "AccountViewError");
    let unknown = common::answer(
        av.client
            .get(av.url("accountviewdata?BusinessObject=AK1"))
            .bearer_auth(&av.token)
            .header("X-Company", "00000000-0000-4000-8000-000000000000")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.json["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("onbekend")
    );
    let second = common::answer(
        av.client
            .get(av.url("AccountViewData?businessobject=AK1"))
            .bearer_auth(&av.token)
            .header("x-company", list[1]["Id"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        second.status, 200,
        "paths and parameters are case-insensitive: {}",
        second.text
    );
    assert_eq!(
        second.json["ARTICLE"],
        serde_json::json!([]),
        "the second company holds no data"
    );
}

#[test]
fn debug_output_holds_no_secret() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sb = start(small()).await;
        let ls = sb.lightspeed();
        let av = sb.accountview();
        let dump = format!("{sb:?} {ls:?} {av:?}");
        assert!(!dump.contains(ls.api_secret().expose_secret()));
        assert!(!dump.contains(av.client_secret().expose_secret()));
        assert!(!dump.contains(av.refresh_token().expose_secret()));
        assert!(dump.contains("redacted"));
    });
}
