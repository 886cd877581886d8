//! The LLM-played customer, as τ-bench plays it (`tau_bench/envs/user.py`,
//! `LLMUserSimulationEnv`): the system prompt is τ-bench's, word for word,
//! with the task's instruction and nothing else; the bot's messages are the
//! model's "user" turns and its own replies its "assistant" turns; a reply
//! holding `###STOP###` ends the conversation.
//!
//! Two differences, both forced by the local server and stated in README:
//! the reply comes as JSON (`{"message": "…"}`, enforced by the server's
//! schema-constrained decoding, then validated), and the sampling is the
//! caller's (temperature and a seed per run, so runs differ and each run
//! replays exactly with the same server and model).

use super::Customer;
use keel_llm::{ChatRequest, Client, Message, Sampling};
use serde_json::json;

/// τ-bench's user-simulator prompt (`LLMUserSimulationEnv.build_system_prompt`).
pub fn system_prompt(instruction: &str) -> String {
    format!(
        "You are a user interacting with an agent.\n\nInstruction: {instruction}\n
Rules:
- Just generate one line at a time to simulate the user's message.
- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.
- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.
- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.
- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.
- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."
    )
}

/// What τ-bench's customer says to end the conversation.
pub const STOP: &str = "###STOP###";

/// The customer played by a model.
pub struct LlmCustomer {
    client: Client,
    runtime: tokio::runtime::Runtime,
    messages: Vec<Message>,
    sampling: Sampling,
    /// Why the model could not answer, when it could not (the run is then
    /// counted as a failure of the simulated customer).
    pub failure: Option<String>,
    /// The message it left with (`###STOP###`, alone or not, or nothing).
    pub parting: Option<String>,
}

impl LlmCustomer {
    /// A customer for one conversation of `instruction`.
    pub fn new(
        client: Client,
        instruction: &str,
        sampling: Sampling,
    ) -> Result<LlmCustomer, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start the async runtime: {error}"))?;
        Ok(LlmCustomer {
            client,
            runtime,
            messages: vec![Message::system(system_prompt(instruction))],
            sampling,
            failure: None,
            parting: None,
        })
    }
}

impl Customer for LlmCustomer {
    fn broken(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    fn parting(&self) -> Option<&str> {
        self.parting.as_deref()
    }

    fn reply(&mut self, bot: &str) -> Option<String> {
        self.messages.push(Message::user(bot));
        let request = ChatRequest {
            messages: self.messages.clone(),
            schema_name: "customer_message".to_string(),
            schema: json!({
                "type": "object",
                "properties": { "message": { "type": "string" } },
                "required": ["message"],
                "additionalProperties": false
            }),
            max_tokens: 160,
        };
        let answer = self
            .runtime
            .block_on(self.client.complete_sampled(&request, self.sampling));
        let text = match answer {
            Ok(completion) => completion.value["message"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .to_string(),
            Err(error) => {
                self.failure = Some(error.message().to_string());
                return None;
            }
        };
        self.messages.push(Message::assistant(&text));
        if text.contains(STOP) || text.is_empty() {
            self.parting = Some(text);
            return None;
        }
        Some(text)
    }
}
