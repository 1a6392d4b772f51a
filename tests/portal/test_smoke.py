def test_my_work_answers_for_a_signed_in_finance_user(client, finance):
    client.force_login(finance)
    assert client.get("/").status_code == 200
