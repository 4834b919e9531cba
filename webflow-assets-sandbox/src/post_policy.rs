//! Signs S3 presigned POST policies (AWS Signature Version 4), as Webflow's
//! backend does for each Create Asset Metadata call.
//!
//! Why hand-written: the crates that sign POST policies (rust-s3, minio) each
//! bring a full S3 client and its HTTP stack; the signature is four HMACs
//! over the base64 policy. It is checked against AWS's published example
//! (the `aws_sigv4_post_example` test) and, end to end, by s3s.

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use webflow_assets::UploadDetails;

/// The credentials and region a policy is signed for.
#[derive(Clone)]
pub struct PolicySigner {
    access_key: String,
    secret_key: String,
    region: String,
}

impl std::fmt::Debug for PolicySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySigner")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("region", &self.region)
            .finish()
    }
}

/// What one presigned POST allows.
#[derive(Clone, Debug)]
pub struct PostPolicy {
    /// The bucket.
    pub bucket: String,
    /// The exact object key.
    pub key: String,
    /// The exact content type of the file part.
    pub content_type: String,
    /// `Cache-Control` to store with the object.
    pub cache_control: String,
    /// The smallest and largest file accepted, in bytes.
    pub content_length_range: (u64, u64),
    /// When the policy stops being valid.
    pub expires: DateTime<Utc>,
}

impl PolicySigner {
    /// A signer for the given credentials and region.
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            region: region.into(),
        }
    }

    /// The SigV4 signature of a base64 policy on a given day (`YYYYMMDD`).
    pub fn signature(&self, policy_b64: &str, date: &str) -> String {
        let mac = |key: &[u8], data: &str| {
            // HMAC-SHA256 accepts keys of any length.
            let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
            m.update(data.as_bytes());
            m.finalize().into_bytes().to_vec()
        };
        let k_date = mac(format!("AWS4{}", self.secret_key).as_bytes(), date);
        let k_region = mac(&k_date, &self.region);
        let k_service = mac(&k_region, "s3");
        let k_signing = mac(&k_service, "aws4_request");
        hex::encode(mac(&k_signing, policy_b64))
    }

    /// Signs a policy and returns the form fields in the order Webflow sends
    /// them: acl, bucket, X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, key,
    /// Policy, X-Amz-Signature, success_action_status, content-type,
    /// Cache-Control.
    pub fn sign(&self, policy: &PostPolicy, now: DateTime<Utc>) -> UploadDetails {
        let date = now.format("%Y%m%d").to_string();
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let credential = format!("{}/{date}/{}/s3/aws4_request", self.access_key, self.region);
        let document: Value = json!({
            "expiration": policy.expires.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "conditions": [
                {"acl": "public-read"},
                {"bucket": policy.bucket},
                {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                {"x-amz-credential": credential},
                {"x-amz-date": amz_date},
                {"key": policy.key},
                {"success_action_status": "201"},
                {"content-type": policy.content_type},
                {"cache-control": policy.cache_control},
                ["content-length-range", policy.content_length_range.0, policy.content_length_range.1],
            ],
        });
        let policy_b64 = base64::engine::general_purpose::STANDARD.encode(document.to_string());
        let signature = self.signature(&policy_b64, &date);
        UploadDetails::from_pairs([
            ("acl", "public-read".to_owned()),
            ("bucket", policy.bucket.clone()),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256".to_owned()),
            ("X-Amz-Credential", credential),
            ("X-Amz-Date", amz_date),
            ("key", policy.key.clone()),
            ("Policy", policy_b64),
            ("X-Amz-Signature", signature),
            ("success_action_status", "201".to_owned()),
            ("content-type", policy.content_type.clone()),
            ("Cache-Control", policy.cache_control.clone()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's "Example: Browser-Based Upload using HTTP POST (Using AWS
    /// Signature Version 4)" (sigv4-post-example): credentials, policy and
    /// the signature AWS publishes for them.
    #[test]
    fn aws_sigv4_post_example() {
        let signer = PolicySigner::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "us-east-1",
        );
        let policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDEzLTA4LTA3VDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJleGFtcGxlYnVja2V0In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIka2V5IiwgInVzZXIvdXNlcjEvIl0sDQogICAgeyJhY2wiOiAicHVibGljLXJlYWQifSwNCiAgICB7InN1Y2Nlc3NfYWN0aW9uX3JlZGlyZWN0IjogImh0dHA6Ly9leGFtcGxlYnVja2V0LnMzLmFtYXpvbmF3cy5jb20vc3VjY2Vzc2Z1bF91cGxvYWQuaHRtbCJ9LA0KICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8iXSwNCiAgICB7IngtYW16LW1ldGEtdXVpZCI6ICIxNDM2NTEyMzY1MTI3NCJ9LA0KICAgIFsic3RhcnRzLXdpdGgiLCAiJHgtYW16LW1ldGEtdGFnIiwgIiJdLA0KDQogICAgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTMwODA2L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwNCiAgICB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sDQogICAgeyJ4LWFtei1kYXRlIjogIjIwMTMwODA2VDAwMDAwMFoiIH0NCiAgXQ0KfQ==";
        assert_eq!(
            signer.signature(policy, "20130806"),
            "21496b44de44ccb73d545f1a995c68214c9cb0d41c45a17a5daeec0b1a6db047"
        );
    }

    #[test]
    fn fields_come_in_webflow_order_and_policy_covers_them() {
        let signer = PolicySigner::new("AK", "SK", "us-east-1");
        let now = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let fields = signer.sign(
            &PostPolicy {
                bucket: "b".into(),
                key: "site/id_a.png".into(),
                content_type: "image/png".into(),
                cache_control: "max-age=1".into(),
                content_length_range: (1, 10),
                expires: now + chrono::Duration::minutes(5),
            },
            now,
        );
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, UploadDetails::DOCUMENTED_KEYS);
        assert_eq!(
            fields.get("X-Amz-Credential"),
            Some("AK/20260102/us-east-1/s3/aws4_request")
        );
        assert_eq!(fields.get("X-Amz-Date"), Some("20260102T030405Z"));
        let policy = base64::engine::general_purpose::STANDARD
            .decode(fields.get("Policy").unwrap())
            .unwrap();
        let policy: Value = serde_json::from_slice(&policy).unwrap();
        assert_eq!(policy["expiration"], "2026-01-02T03:09:05.000Z");
        assert_eq!(
            fields.get("X-Amz-Signature").unwrap(),
            &signer.signature(fields.get("Policy").unwrap(), "20260102")
        );
    }
}
