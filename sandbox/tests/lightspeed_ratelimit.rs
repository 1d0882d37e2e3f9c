//! Rate limits over plain HTTP: headers on every response, 429 with the real body, windows
//! divided by the time scale. Windows are kept tiny so the tests stay fast (real clock, real
//! sockets).

mod common;

use std::time::Duration;

use common::{Ls, small, start};
use sandbox::RateLimits;

fn triple(s: &str) -> Vec<i64> {
    s.split('/').map(|x| x.parse().unwrap()).collect()
}

#[tokio::test]
async fn headers_on_every_response_and_429_when_a_window_is_full() {
    let limits = RateLimits {
        five_min: 3,
        hour: 10,
        day: 100,
        per_second: 100,
    };
    let sb = start(small().rate_limits(limits)).await;
    let ls = Ls::new(sb.lightspeed());
    let first = ls.get("orders/count.json").await;
    assert_eq!(first.header("x-ratelimit-limit"), "3/10/100");
    assert_eq!(first.header("x-ratelimit-remaining"), "2/9/99");
    let resets = triple(&first.header("x-ratelimit-reset"));
    assert!(
        resets[0] > 0 && resets[0] <= 300 && resets[1] <= 3600 && resets[2] <= 86_400,
        "{resets:?}"
    );
    let not_found = ls.get("orders/1.json").await;
    assert_eq!(not_found.status, 404);
    assert_eq!(
        not_found.header("x-ratelimit-remaining"),
        "1/8/98",
        "a 404 counts and carries headers"
    );
    assert_eq!(
        ls.get("shop.json").await.header("x-ratelimit-remaining"),
        "0/7/97"
    );
    let refused = ls.get("shop.json").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json["error"]["code"], 429);
    assert_eq!(
        refused.json["error"]["message"],
        "Too many requests in this time period. Try again later."
    );
    assert_eq!(
        refused.header("x-ratelimit-remaining"),
        "-1/7/97",
        "the exhausted window shows -1"
    );
    let again = ls.get("shop.json").await;
    assert_eq!(
        again.header("x-ratelimit-remaining"),
        "-1/7/97",
        "a refused request is not counted"
    );
    assert_eq!(ls.sim.requests_for("GET", "shop"), 3);
}

#[tokio::test]
async fn time_scale_shortens_the_windows_in_real_seconds() {
    // 300 s / 150 = a two-second "five-minute" window.
    let limits = RateLimits {
        five_min: 2,
        hour: 1000,
        day: 10_000,
        per_second: 1000,
    };
    let sb = start(small().rate_limits(limits).time_scale(150)).await;
    let ls = Ls::new(sb.lightspeed());
    let a = ls.get("shop.json").await;
    let resets = triple(&a.header("x-ratelimit-reset"));
    assert_eq!(resets[0], 2, "five minutes / 150 = 2 s");
    assert!(resets[1] <= 24 && resets[2] <= 576, "{resets:?}");
    ls.get("shop.json").await;
    assert_eq!(ls.get("shop.json").await.status, 429);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let after = ls.get("shop.json").await;
    assert_eq!(after.status, 200, "the window rolled over in real time");
    assert_eq!(triple(&after.header("x-ratelimit-remaining"))[0], 1);
}

#[tokio::test]
async fn per_second_cap_refuses_bursts() {
    let limits = RateLimits {
        five_min: 1000,
        hour: 1000,
        day: 1000,
        per_second: 3,
    };
    let sb = start(small().rate_limits(limits).time_scale(1)).await;
    let ls = Ls::new(sb.lightspeed());
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(ls.get("shop.json").await.status.as_u16());
    }
    // Ten quick requests span at most two one-second windows: at most six are served.
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 200).count() <= 6,
        "{statuses:?}"
    );
    assert_eq!(statuses[..3], [200, 200, 200]);
}

#[tokio::test]
async fn account_ratelimit_reports_the_windows() {
    let limits = RateLimits {
        five_min: 50,
        hour: 500,
        day: 5000,
        per_second: 100,
    };
    let sb = start(small().rate_limits(limits)).await;
    let ls = Ls::new(sb.lightspeed());
    let a = ls.get("account/ratelimit.json").await;
    let r = &a.json["accountRatelimit"];
    assert_eq!(r["limit5Min"]["limit"], 50);
    assert_eq!(r["limit5Min"]["remaining"], 49, "the call counts itself");
    assert_eq!(r["limitHour"]["limit"], 500);
    assert_eq!(r["limitDay"]["remaining"], 4999);
    assert!(r["limitDay"]["resetTime"].as_str().unwrap().contains('T'));
}
