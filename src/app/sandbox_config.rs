//! A ready `koppel.toml` for the embedded simulators (`koppel sandbox`, `koppel demo`, tests).
//!
//! The mappings are the ones a setup wizard would propose for the sandbox administration: its VAT
//! codes per country and rate, its revenue accounts, payment conditions and shipping methods.

use secrecy::ExposeSecret;

/// The configuration text for a running sandbox, with the state store at `state_url`.
pub fn sandbox_toml(sb: &sandbox::Sandbox, state_url: &str) -> String {
    let ls = sb.lightspeed();
    let av = sb.accountview();
    let import_from = (chrono::Utc::now() - chrono::Duration::days(90)).format("%Y-%m-%d");
    format!(
        r#"# Koppel configuration for the embedded sandbox (generated).

[lightspeed]
base_url = "{ls_url}"
language = "{language}"
api_key = "{api_key}"
api_secret = "{api_secret}"
webhook_secret = "{webhook_secret}"

[accountview]
base_url = "{av_url}"
client_id = "{client_id}"
client_secret = "{client_secret}"
redirect_uri = "{redirect_uri}"
refresh_token = "{refresh_token}"
company_id = "{company_id}"

[state]
url = "{state_url}"

[orders]
import_from = "{import_from}"
target = "sales_order"
amounts_include_vat = true
default_payment_condition = "00"
debtor_numbering = {{ mode = "next_free", from = 10001, to = 19999 }}
vat_codes = [
  {{ country = "NL", rate = 21, code = "2" }},
  {{ country = "NL", rate = 9, code = "1" }},
  {{ country = "NL", rate = 0, code = "0" }},
  {{ country = "BE", rate = 21, code = "5" }},
  {{ country = "BE", rate = 6, code = "6" }},
  {{ country = "DE", rate = 19, code = "7" }},
  {{ country = "DE", rate = 7, code = "8" }},
  {{ country = "FR", rate = 20, code = "9" }},
  {{ country = "FR", rate = 5.5, code = "10" }},
  {{ country = "EU", rate = 0, vat_number = true, code = "3" }},
  {{ country = "NON_EU", rate = 0, code = "4" }},
]
revenue_accounts = [
  {{ country = "NL", account = "8000" }},
  {{ country = "EU", account = "8020" }},
  {{ country = "NON_EU", account = "8100" }},
]

[orders.payment_methods]
ideal = {{ condition = "00", code = "IDEAL" }}
bancontact = {{ condition = "00", code = "BANCONTACT" }}
creditcard = {{ condition = "00", code = "CREDITCARD" }}
paypal = {{ condition = "00", code = "PAYPAL" }}
invoice = {{ condition = "14", code = "FACTUUR" }}
cash = {{ condition = "K8", code = "CONTANT" }}

[orders.shipping_methods]
"PostNL Pakket Nederland" = "POSTNL"
"PostNL Pakket Europa" = "POSTNL-EU"
"DHL Express Wereld" = "DHL"
"Afhalen in de winkel" = "AFHALEN"

[accountview.ledger]
payment_method_column = "PAY_MTH"
"#,
        ls_url = ls.base_url(),
        language = ls.language(),
        api_key = ls.api_key(),
        api_secret = ls.api_secret().expose_secret(),
        webhook_secret = ls.webhook_secret().expose_secret(),
        av_url = av.base_url(),
        client_id = av.client_id(),
        client_secret = av.client_secret().expose_secret(),
        redirect_uri = av.redirect_uri(),
        refresh_token = av.refresh_token().expose_secret(),
        company_id = av.company_id(),
    )
}
