//! The built-in field facts: what `reference/accountview.md` (GO-AV dictionary dumps, AC, DL) says
//! about the columns Koppel writes. Data only; the rules that use it live in the parent module.

use super::{CaseRule, OverflowPolicy};
use crate::write::FieldType;

/// Compact row of the built-in table: (field, type, max len, case, mandatory, overflow).
pub(super) type Spec = (
    &'static str,
    FieldType,
    Option<usize>,
    CaseRule,
    bool,
    OverflowPolicy,
);

const KEY: CaseRule = CaseRule::RejectLowercase;
const UP: CaseRule = CaseRule::ToUppercase;
const ANY: CaseRule = CaseRule::Any;
const REJ: OverflowPolicy = OverflowPolicy::Reject;
const CUT: OverflowPolicy = OverflowPolicy::Truncate;
use FieldType::{C, D, I, L, M, N, T, Y};

/// `CONTACT` (AR1). Source: GO-AV `fields/contact.json` via the reference. `SUB_NR` is `INP_MAND` in the
/// dictionary but not enforced here: administrations with automatic debtor numbering generate it on
/// create (and return it), and AccountView itself rejects a missing number where numbering is manual.
/// `ACCT_NR` is mandatory through the `ACCT_REC` view.
const CONTACT: &[Spec] = &[
    ("SUB_NR", C, Some(10), KEY, false, REJ),
    ("ACCT_NAME", C, Some(40), ANY, true, REJ),
    ("SRC_CODE", C, Some(10), UP, true, REJ),
    ("ACCT_NR", C, Some(10), KEY, true, REJ),
    ("DEB_NR", C, Some(10), ANY, false, REJ),
    ("DEB_NRV", C, Some(10), KEY, false, REJ),
    ("PAY_NAME", C, Some(24), ANY, false, REJ),
    ("RPL_INV", C, Some(10), KEY, false, REJ),
    ("RPL_GRP", C, Some(10), KEY, false, REJ),
    ("HDQ_CODE", C, Some(10), KEY, false, REJ),
    ("ADDRESS1", C, Some(80), ANY, false, CUT),
    ("ST_STREET", C, Some(60), ANY, false, CUT),
    ("ST_NR", C, Some(10), ANY, false, REJ),
    ("ST_EXTRA", C, Some(10), ANY, false, REJ),
    ("ST_PROP", C, Some(40), ANY, false, CUT),
    ("ST_REGION", C, Some(40), ANY, false, CUT),
    ("ADDR_LINE1", C, Some(40), ANY, false, CUT),
    ("ADDR_LINE2", C, Some(40), ANY, false, CUT),
    ("POST_CODE", C, Some(10), UP, false, REJ),
    ("CITY", C, Some(35), ANY, false, CUT),
    ("BOX_CITY", C, Some(35), ANY, false, CUT),
    ("CNT_CODE", C, Some(2), UP, false, REJ),
    ("COUNTRY", C, Some(30), ANY, false, CUT),
    ("PO_BOX", C, Some(80), ANY, false, CUT),
    ("PO_CODE", C, Some(10), UP, false, REJ),
    ("PO_CITY", C, Some(35), ANY, false, CUT),
    ("MAIL_BUS", C, Some(50), ANY, false, REJ),
    ("TEL_BUS", C, Some(20), ANY, false, REJ),
    ("TEL_MOB", C, Some(20), ANY, false, REJ),
    ("FAX_BUS", C, Some(20), ANY, false, REJ),
    ("WWW_URL", C, Some(60), ANY, false, REJ),
    ("MAIN_CONT", C, Some(40), ANY, false, REJ),
    ("MAIN_PP", C, Some(10), KEY, false, REJ),
    ("MC_MAILB", C, Some(50), ANY, false, REJ),
    ("ADMIN_PP", C, Some(10), KEY, false, REJ),
    ("LNG_CODE", C, Some(5), UP, false, REJ),
    ("EIA", C, Some(50), ANY, false, REJ),
    ("VAT_CODE", C, Some(2), KEY, false, REJ),
    ("VAT_NR", C, Some(14), UP, false, REJ),
    ("VAT_DATE", D, None, ANY, false, REJ),
    ("COC_CODE", C, Some(15), ANY, false, REJ),
    ("DISC_CODE", C, Some(2), KEY, false, REJ),
    ("DISC_PCT", N, None, ANY, false, REJ),
    ("CRED_LIM", I, None, ANY, false, REJ),
    ("CUR_CODE", C, Some(3), UP, false, REJ),
    ("IBAN_NR", C, Some(34), UP, false, REJ),
    ("APX_LIST", C, Some(5), KEY, false, REJ),
    ("MRN_LIST", C, Some(5), KEY, false, REJ),
    ("EMP_NR", C, Some(10), KEY, false, REJ),
    ("SHIP_MTH", C, Some(10), KEY, false, REJ),
    ("SHIP_COMP", L, None, ANY, false, REJ),
    ("BLK_SP", L, None, ANY, false, REJ),
    ("REC_BLK", L, None, ANY, false, REJ),
    ("EL_SI", L, None, ANY, false, REJ),
    ("EL_SO", L, None, ANY, false, REJ),
    ("INV_ADDRES", M, None, ANY, false, REJ),
    ("VIS_ADDRES", M, None, ANY, false, REJ),
    ("CNG_DATE", T, None, ANY, false, REJ),
    ("INP_DATE", T, None, ANY, false, REJ),
];

/// `DEL_ADDR` (ADDR). Source: AC; the reference gives no lengths for this table, so the columns shared
/// with `CONTACT` take `CONTACT`'s facts [inferred: same domain]. `REC_ID` is generated on create.
const DEL_ADDR: &[Spec] = &[
    ("SUB_NR", C, Some(10), KEY, true, REJ),
    ("ADDRESS1", C, Some(80), ANY, false, CUT),
    ("POST_CODE", C, Some(10), UP, false, REJ),
    ("CITY", C, Some(35), ANY, false, CUT),
    ("CNT_CODE", C, Some(2), UP, false, REJ),
    ("MAIL_BUS", C, Some(50), ANY, false, REJ),
    ("TEL_BUS", C, Some(20), ANY, false, REJ),
];

/// `ARTICLE` (AK1). The reference gives `ART_CODE` as string(15) (Invantive `ART_LINE`) and no other
/// lengths; no uppercase rule is evidenced for article codes.
const ARTICLE: &[Spec] = &[
    ("ART_CODE", C, Some(15), ANY, true, REJ),
    ("ART_DESC1", C, None, ANY, false, CUT),
    ("AG_CODE", C, None, ANY, false, REJ),
    ("PX_SELL", Y, None, ANY, false, REJ),
];

/// `ART_GRP` (AG1): only the column names are known.
const ART_GRP: &[Spec] = &[
    ("AG_CODE", C, None, ANY, true, REJ),
    ("AG_DESC", C, None, ANY, false, CUT),
];

/// `SO_HDR` (SO1). Source: AC. `RPL_INV` / `RPL_DEL` hold a debtor's `SUB_NR` [inferred: same facts].
const SO_HDR: &[Spec] = &[
    ("RPL_INV", C, Some(10), KEY, true, REJ),
    ("RPL_DEL", C, Some(10), KEY, false, REJ),
    ("EMP_NR", C, Some(10), KEY, false, REJ),
    ("APX_LIST", C, Some(5), KEY, false, REJ),
];

/// `SO_LINE` (SO1): article code as in `ARTICLE`.
const SO_LINE: &[Spec] = &[
    ("ART_CODE", C, Some(15), ANY, true, REJ),
    ("ORD_QTY", N, None, ANY, true, REJ),
];

/// `DJ_PAGE` (DJ2). Source: GO-AV `fields/dj_page.json`. `PAGE_NR` is `INP_MAND` in the dictionary but
/// AccountView numbers pages itself on API posts (DL and the fixture send none), so it is not enforced.
const DJ_PAGE: &[Spec] = &[
    ("DJ_CODE", C, Some(3), KEY, true, REJ),
    ("PAGE_NR", C, Some(10), KEY, false, REJ),
    ("HDR_DESC", C, Some(40), ANY, true, CUT),
    ("INV_NR", C, Some(12), KEY, false, REJ),
    ("SUB_NR", C, Some(10), KEY, false, REJ),
    ("CUR_CODE", C, Some(3), UP, false, REJ),
    ("DISC_CODE", C, Some(2), KEY, false, REJ),
    ("EXT_DESC", C, Some(40), ANY, false, CUT),
    ("GROSS_FLG", L, None, ANY, false, REJ),
    ("COMMENT1", M, None, ANY, false, REJ),
];

/// `DJ_LINE` (DJ2). Source: GO-AV `fields/dj_line.json`. The dictionary also marks `REC_ID`, `SRC_ID`,
/// `SRC_TYPE`, `TRN_DATE`, `PAGE_NR`, `DJ_CODE` mandatory, but public posts omit them (AccountView
/// fills them from the page), so they are not enforced.
const DJ_LINE: &[Spec] = &[
    ("ACCT_NR", C, Some(10), KEY, true, REJ),
    ("VAT_CODE", C, Some(2), KEY, false, REJ),
    ("TRN_DESC", C, Some(40), ANY, false, CUT),
    ("AMOUNT", Y, None, ANY, false, REJ),
    ("VAT_AMT", Y, None, ANY, false, REJ),
    ("BASE_AMT", Y, None, ANY, false, REJ),
    ("TRN_QTY", N, None, ANY, false, REJ),
];

pub(super) const BUILTIN: &[(&str, &[Spec])] = &[
    ("CONTACT", CONTACT),
    ("DEL_ADDR", DEL_ADDR),
    ("ARTICLE", ARTICLE),
    ("ART_GRP", ART_GRP),
    ("SO_HDR", SO_HDR),
    ("SO_LINE", SO_LINE),
    ("DJ_PAGE", DJ_PAGE),
    ("DJ_LINE", DJ_LINE),
];
